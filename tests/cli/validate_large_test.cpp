// eisgrid validate on files far larger than the memory it may take (issue 21,
// item 7): a sparse 1.6 GB stored member and a 960 MB deflated one, each
// checked to the last byte (a flipped byte in the middle is a CRC mismatch)
// with the peak RSS of the eisgrid process bounded.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "support/process.hpp"

using test_support::shell_quote;

namespace {

const std::string k_cli = EISGRID_CLI_PATH;
// What validate may take, whatever the file's size: a few pieces of 8 MiB,
// the whole of the small members, and the process itself (more under
// AddressSanitizer). A load of these files takes their size.
constexpr long k_max_rss_kb = 200 * 1024;

// Writes a dataset of `rows` rows whose 'spectrum' (rows x 100 x 4 float32)
// is zeros: stored, its zeros are holes in the file; deflated, they compress
// to a few MB. Written member by member, so the test never holds it.
void write_large(const std::filesystem::path& path, const std::string& method, std::uint64_t rows) {
  const auto py = test_support::python(R"PY(
import io, json, sys, zipfile
import numpy as np
path, method, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
zero = bytes(16 << 20)

class holes(io.RawIOBase):
    """Writes of the zero buffer become a seek, so that the file is sparse."""
    def __init__(self, f): self.f = f
    def writable(self): return True
    def seekable(self): return True
    def write(self, b):
        if b is zero:
            self.f.seek(len(b), 1)
            return len(b)
        return self.f.write(b)
    def tell(self): return self.f.tell()
    def seek(self, *a): return self.f.seek(*a)
    def flush(self): self.f.flush()

def npy(a):
    b = io.BytesIO(); np.save(b, a); return b.getvalue()

with open(path, 'wb') as f:
    kind = zipfile.ZIP_STORED if method == 'stored' else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(holes(f), 'w', kind, compresslevel=1) as z:
        z.writestr('metadata.npy', npy(np.array(json.dumps({'n_parameter_sets': rows, 'n_frequencies': 100}))))
        z.writestr('frequencies.npy', npy(np.geomspace(0.1, 1e5, 100).astype(np.float32)))
        z.writestr('parameters.npy', npy(np.ones((rows, 5), np.float32)))
        z.writestr('resnorms.npy', npy(np.arange(rows, dtype=np.float32)))
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(header, {'descr': '<f4', 'fortran_order': False, 'shape': (rows, 100, 4)})
        with z.open('spectrum.npy', 'w', force_zip64=True) as m:
            m.write(header.getvalue())
            for _ in range(rows * 1600 // len(zero)): m.write(zero)
            m.write(bytes(rows * 1600 % len(zero)))
    f.truncate()
)PY",
                                       shell_quote(path.string()) + " " + method + " " + std::to_string(rows));
  if (py.exit_code != 0) throw std::runtime_error(py.output);
}

struct validated {
  int exit_code = -1;
  std::string output;
  long max_rss_kb = 0;
};

// Runs `eisgrid validate FILE` as a child of this process alone, so that its
// rusage is the eisgrid process's own.
validated validate(const std::filesystem::path& file, const std::filesystem::path& output) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::execl(k_cli.c_str(), k_cli.c_str(), "validate", file.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  validated v;
  int status = 0;
  rusage usage{};
  if (pid < 0 || ::wait4(pid, &status, 0, &usage) != pid) return v;
  v.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  v.max_rss_kb = usage.ru_maxrss;
  std::stringstream text;
  text << std::ifstream(output).rdbuf();
  v.output = text.str();
  return v;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(cli_validate_large, a_sparse_stored_member_of_1_6_gb_is_read_to_the_end_in_bounded_memory) {
  test_support::temp_dir dir("validate_large");
  const auto file = dir.path / "sparse.npz";
  write_large(file, "stored", 1'000'000);
  ASSERT_GT(std::filesystem::file_size(file), std::uintmax_t{1'600'000'000});

  const auto ok = validate(file, dir.path / "out.txt");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_TRUE(contains(ok.output, "ok      " + file.string() + ": 1000000 parameter sets, 100 frequencies, 1000000 spectra")) << ok.output;
  EXPECT_LT(ok.max_rss_kb, k_max_rss_kb);

  // One byte in the middle of the holes: only a read of every byte sees it.
  const int fd = ::open(file.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::pwrite(fd, "\x01", 1, 800'000'000), 1);
  ::close(fd);
  const auto bad = validate(file, dir.path / "out.txt");
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_TRUE(contains(bad.output, "cannot read 'sparse.npz': member 'spectrum.npy': CRC mismatch")) << bad.output;
  EXPECT_LT(bad.max_rss_kb, k_max_rss_kb);
}

TEST(cli_validate_large, a_deflated_member_of_960_mb_is_inflated_a_piece_at_a_time) {
  test_support::temp_dir dir("validate_large");
  const auto file = dir.path / "deflated.npz";
  write_large(file, "deflated", 600'000);
  ASSERT_LT(std::filesystem::file_size(file), std::uintmax_t{64} << 20);

  const auto ok = validate(file, dir.path / "out.txt");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_TRUE(contains(ok.output, "ok      " + file.string() + ": 600000 parameter sets, 100 frequencies, 600000 spectra")) << ok.output;
  EXPECT_LT(ok.max_rss_kb, k_max_rss_kb);
}

TEST(cli_validate_large, eisgrids_own_chunked_spectrum_is_inflated_a_batch_of_chunks_at_a_time) {
  test_support::temp_dir dir("validate_large");
  // 10^5 rows x 100 frequencies: a 160 MB spectrum in 1 MiB chunks.
  const auto made = test_support::run(shell_quote(k_cli) + " compute -q --grid 10 --spectra all --output own.npz --data " +
                                      shell_quote(dir.path.string()));
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const auto file = dir.path / "npz/user_generated/own.npz";
  const auto ok = validate(file, dir.path / "out.txt");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_TRUE(contains(ok.output, ": 100000 parameter sets, 100 frequencies, 100000 spectra")) << ok.output;
  EXPECT_LT(ok.max_rss_kb, k_max_rss_kb);

  // A byte of the compressed spectrum, past its first chunks, changed.
  const int fd = ::open(file.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  char byte = 0;
  const off_t at = static_cast<off_t>(std::filesystem::file_size(file) / 2);
  ASSERT_EQ(::pread(fd, &byte, 1, at), 1);
  byte = static_cast<char>(~byte);
  ASSERT_EQ(::pwrite(fd, &byte, 1, at), 1);
  ::close(fd);
  const auto bad = validate(file, dir.path / "out.txt");
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_TRUE(contains(bad.output, "cannot read 'own.npz': member 'spectrum.npy': ")) << bad.output;
}
