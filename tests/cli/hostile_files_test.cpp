// The eisgrid executable against files and options an attacker or a careless
// user supplies (issue 11): links, FIFOs, deeply nested metadata, deflate
// bombs, out-of-range frequencies, partial files of killed runs, oversized
// runs, and where the data root comes from (issue 10, item 9).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "support/process.hpp"

using test_support::run;
using test_support::shell_quote;

namespace {

const std::string k_cli = EISGRID_CLI_PATH;

test_support::run_result eisgrid(const std::string& args) { return run(shell_quote(k_cli) + " " + args); }

// Every command here must answer well within this; a FIFO used to hang for ever.
const std::string k_timeout = "timeout 60 ";

test_support::run_result eisgrid_in(const std::filesystem::path& cwd, const std::string& env, const std::string& args) {
  return run("cd " + shell_quote(cwd.string()) + " && " + env + " " + k_timeout + shell_quote(k_cli) + " " + args);
}

// A small valid dataset written by eisgrid itself into `root`.
std::filesystem::path small_dataset(const std::filesystem::path& root, const std::string& name) {
  const auto r = eisgrid("compute -q --grid 3 --points 20 --output " + name + " --data " + shell_quote(root.string()));
  if (r.exit_code != 0) throw std::runtime_error(r.output);
  return root / "npz/user_generated" / name;
}

// Rewrites `from` into `to` with numpy, after running `change` on the dict of
// arrays `a` (the Python names np, json and a are in scope).
void rewrite(const std::filesystem::path& from, const std::filesystem::path& to, const std::string& change) {
  const auto py = test_support::python(
      "import json, sys, numpy as np\n"
      "z = np.load(sys.argv[1]); a = {k: z[k] for k in z.files}\n" +
          change +
          "\n"
          "np.savez_compressed(sys.argv[2], **a)\n",
      shell_quote(from.string()) + " " + shell_quote(to.string()));
  if (py.exit_code != 0) throw std::runtime_error(py.output);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(cli_hostile_files, a_link_to_a_private_file_is_refused_by_every_reader) {
  test_support::temp_dir root("hostile");
  const auto target = small_dataset(root.path, "private.npz");
  const auto pre = root.path / "npz/precomputed";
  std::filesystem::create_directories(pre);
  std::filesystem::create_symlink("../user_generated/private.npz", pre / "relative.npz");
  std::filesystem::create_symlink(target, pre / "absolute.npz");
  const std::string data = " --data " + shell_quote(root.path.string());

  const auto sync = eisgrid("sync" + data);
  EXPECT_EQ(sync.exit_code, 0) << sync.output;
  EXPECT_TRUE(contains(sync.output, "3 files: 1 valid, 2 invalid")) << sync.output;
  EXPECT_TRUE(contains(sync.output, "absolute.npz: cannot open 'absolute.npz': a symbolic link")) << sync.output;
  EXPECT_TRUE(contains(sync.output, "relative.npz: cannot open 'relative.npz': a symbolic link")) << sync.output;

  for (const auto* link : {"relative.npz", "absolute.npz"}) {
    const auto validate = eisgrid("validate " + shell_quote((pre / link).string()));
    EXPECT_EQ(validate.exit_code, 1) << validate.output;
    EXPECT_TRUE(contains(validate.output, "symbolic link")) << validate.output;
    const auto inspect = eisgrid("inspect " + shell_quote((pre / link).string()));
    EXPECT_EQ(inspect.exit_code, 1) << inspect.output;
    EXPECT_TRUE(contains(inspect.output, "symbolic link")) << inspect.output;
  }
}

TEST(cli_hostile_files, a_fifo_named_like_a_dataset_is_refused_at_once) {
  test_support::temp_dir root("hostile");
  (void)small_dataset(root.path, "good.npz");
  const auto fifo = root.path / "npz/user_generated/fifo.npz";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  const auto started = std::chrono::steady_clock::now();
  const auto validate = run(k_timeout + shell_quote(k_cli) + " validate " + shell_quote(fifo.string()));
  EXPECT_EQ(validate.exit_code, 1) << validate.output;
  EXPECT_TRUE(contains(validate.output, "not a regular file")) << validate.output;
  const auto sync = run(k_timeout + shell_quote(k_cli) + " sync --data " + shell_quote(root.path.string()));
  EXPECT_EQ(sync.exit_code, 0) << sync.output;
  EXPECT_TRUE(contains(sync.output, "2 files: 1 valid, 1 invalid (fifo.npz: cannot open 'fifo.npz': not a regular file)")) << sync.output;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30));
}

TEST(cli_hostile_files, deeply_nested_metadata_is_invalid_and_sync_goes_on) {
  test_support::temp_dir root("hostile");
  const auto good = small_dataset(root.path, "good.npz");
  const auto dir = root.path / "npz/user_generated";
  // 100,000 deep is over the metadata's size limit; 30,000 deep is under it
  // and still far deeper than any stack-safe walk.
  rewrite(good, dir / "deep.npz", "a['metadata'] = np.array('{\"x\": ' + '[' * 100000 + ']' * 100000 + '}')");
  rewrite(good, dir / "deeper.npz", "a['metadata'] = np.array('{\"x\": ' + '[' * 30000 + ']' * 30000 + '}')");
  const auto deep = eisgrid("validate " + shell_quote((dir / "deep.npz").string()));
  EXPECT_EQ(deep.exit_code, 1) << deep.output;
  EXPECT_TRUE(contains(deep.output, "'metadata' is 800156 bytes, over the limit of 262144")) << deep.output;
  const auto deeper = eisgrid("validate " + shell_quote((dir / "deeper.npz").string()));
  EXPECT_EQ(deeper.exit_code, 1) << deeper.output;
  EXPECT_TRUE(contains(deeper.output, "JSON nested deeper than 64 levels")) << deeper.output;
  const auto sync = eisgrid("sync --data " + shell_quote(root.path.string()));
  EXPECT_EQ(sync.exit_code, 0) << sync.output;
  EXPECT_TRUE(contains(sync.output, "3 files: 1 valid, 2 invalid (deep.npz: ")) << sync.output;
  const auto inspect = eisgrid("inspect " + shell_quote((dir / "deeper.npz").string()));
  EXPECT_EQ(inspect.exit_code, 1) << inspect.output;
  EXPECT_TRUE(contains(inspect.output, "JSON nested deeper than 64 levels")) << inspect.output;
}

TEST(cli_hostile_files, a_deflate_bomb_is_refused_before_it_is_inflated) {
  test_support::temp_dir root("hostile");
  const auto good = small_dataset(root.path, "good.npz");
  // 'parameters' inflates to 3 GiB of zeros; the other arrays keep 3^5 rows.
  // Written member by member with zlib so that the test never holds 3 GiB.
  const auto bomb = root.path / "npz/user_generated/bomb.npz";
  const auto py = test_support::python(R"PY(
import sys, zipfile, zlib, numpy as np, io
src = zipfile.ZipFile(sys.argv[1]); rows = (3 << 30) // 20
header = io.BytesIO(); np.lib.format.write_array_header_1_0(header, {'descr': '<f4', 'fortran_order': False, 'shape': (rows, 5)})
with zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED, compresslevel=1) as out:
    for name in src.namelist():
        if name != 'parameters.npy':
            out.writestr(name, src.read(name)); continue
        with out.open(name, 'w', force_zip64=True) as m:
            m.write(header.getvalue()); zero = bytes(1 << 24)
            for _ in range(rows * 20 // len(zero)): m.write(zero)
            m.write(bytes(rows * 20 % len(zero)))
)PY",
                                       shell_quote(good.string()) + " " + shell_quote(bomb.string()));
  ASSERT_EQ(py.exit_code, 0) << py.output;
  ASSERT_LT(std::filesystem::file_size(bomb), std::uintmax_t{16} << 20);
  // 1 GiB of address space: inflating the bomb cannot even start. AddressSanitizer
  // reserves terabytes of shadow memory at start, so its build runs without the
  // cap and relies on the messages below, which only a refusal before inflating gives.
#if defined(__SANITIZE_ADDRESS__)
  const std::string limited = k_timeout + shell_quote(k_cli);
#else
  const std::string limited = "ulimit -v 1048576 && " + k_timeout + shell_quote(k_cli);
#endif
  const auto validate = run(limited + " validate " + shell_quote(bomb.string()));
  EXPECT_EQ(validate.exit_code, 1) << validate.output;
  EXPECT_TRUE(contains(validate.output, "'resnorms' has shape (243,) but 'parameters' has " + std::to_string((3ULL << 30) / 20) + " rows"))
      << validate.output;
  const auto sync = run(limited + " sync --data " + shell_quote(root.path.string()));
  EXPECT_EQ(sync.exit_code, 0) << sync.output;
  EXPECT_TRUE(contains(sync.output, "2 files: 1 valid, 1 invalid (bomb.npz: ")) << sync.output;
}

TEST(cli_hostile_files, out_of_range_frequencies_are_usage_errors_and_leave_no_file) {
  test_support::temp_dir root("hostile");
  const std::string data = " --data " + shell_quote(root.path.string());
  for (const std::string options :
       {"--fmax 1e39", "--fmax 1e308", "--fmin 1e-320 --fmax 10", "--fmin 1e-7", "--fmax 2e9", "--fmin 1 --fmax 1.0000001 --points 1000"}) {
    const auto r = eisgrid("compute --grid 2 " + options + data);
    EXPECT_EQ(r.exit_code, 2) << options << ": " << r.output;
    EXPECT_TRUE(contains(r.output, "frequencies")) << options << ": " << r.output;
  }
  // Parameters are stored as float32 too.
  for (const std::string options : {"--range Rsh=1:1e300", "--ref Rsh=1e300", "--range Ca=1e-30:1e-6"}) {
    const auto r = eisgrid("compute --grid 2 " + options + data);
    EXPECT_EQ(r.exit_code, 2) << options << ": " << r.output;
    EXPECT_TRUE(contains(r.output, "must lie between 1e-20 and 1e+20")) << options << ": " << r.output;
  }
  EXPECT_FALSE(std::filesystem::exists(root.path / "npz/user_generated")) << "a refused run created files";
  const auto ok = eisgrid("compute -q --grid 2 --fmin 1e-5 --fmax 1e9" + data);
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  for (const auto& written : std::filesystem::directory_iterator(root.path / "npz/user_generated")) {
    const auto validate = eisgrid("validate " + shell_quote(written.path().string()));
    EXPECT_EQ(validate.exit_code, 0) << validate.output;
  }
}

TEST(cli_hostile_files, partial_files_of_dead_writers_are_removed_and_live_ones_kept) {
  test_support::temp_dir root("hostile");
  const auto temp = root.path / "npz/temp";
  std::filesystem::create_directories(temp);
  const auto old = std::filesystem::file_time_type::clock::now() - std::chrono::hours(2);
  const auto dead = temp / "grid_40.npz.0123456789ab.part";
  const auto live = temp / "grid_40.npz.ba9876543210.part";
  const auto young = temp / "grid_40.npz.aaaaaaaaaaaa.part";
  const auto other = temp / "notes.txt";
  for (const auto& p : {dead, live, young, other}) std::ofstream(p) << "partial";
  for (const auto& p : {dead, live, other}) std::filesystem::last_write_time(p, old);
  // A live writer holds its flock, as atomic_file does.
  const int fd = ::open(live.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  const auto r = eisgrid("compute --grid 2 --data " + shell_quote(root.path.string()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "removed 1 partial files")) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dead));
  EXPECT_TRUE(std::filesystem::exists(live));
  EXPECT_TRUE(std::filesystem::exists(young));
  EXPECT_TRUE(std::filesystem::exists(other));
  ::close(fd);
  std::filesystem::last_write_time(live, old);
  const auto sync = eisgrid("sync --data " + shell_quote(root.path.string()));
  EXPECT_TRUE(contains(sync.output, "removed 1 partial files")) << sync.output;
  EXPECT_FALSE(std::filesystem::exists(live));
}

TEST(cli_hostile_files, compute_says_its_memory_before_it_starts_and_refuses_what_does_not_fit) {
  test_support::temp_dir root("hostile");
  const std::string data = " --data " + shell_quote(root.path.string());
  const auto small = eisgrid("compute --grid 4" + data);
  EXPECT_EQ(small.exit_code, 0) << small.output;
  EXPECT_TRUE(contains(small.output, "keeping 1024 rows takes about 0.00 GB of memory")) << small.output;
  // 100^5 = 1e10 rows kept: 640 GB, refused at once, before any sweep.
  const auto started = std::chrono::steady_clock::now();
  const auto huge = eisgrid("compute --grid 100" + data);
  EXPECT_EQ(huge.exit_code, 1) << huge.output;
  EXPECT_TRUE(contains(huge.output, "keeping 10000000000 rows needs about 640.0 GB of memory")) << huge.output;
  EXPECT_TRUE(contains(huge.output, "--keep")) << huge.output;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

TEST(cli_hostile_files, the_data_root_comes_from_data_then_eisgrid_data_then_dot_data) {
  test_support::temp_dir cwd("root_cwd");
  test_support::temp_dir env_root("root_env");
  std::filesystem::remove_all(env_root.path);
  const std::string env = "EISGRID_DATA=" + shell_quote(env_root.path.string());

  // Read-only commands never create a root.
  for (const std::string args : {"inspect x.npz", "user list", "tag list"}) {
    const auto r = eisgrid_in(cwd.path, env, args);
    EXPECT_NE(r.exit_code, 0) << args << ": " << r.output;
    EXPECT_TRUE(contains(r.output, "no data root at '" + env_root.path.string() + "' (from EISGRID_DATA)")) << args << ": " << r.output;
  }
  EXPECT_FALSE(std::filesystem::exists(env_root.path));
  const auto unset = eisgrid_in(cwd.path, "env -u EISGRID_DATA", "user list");
  EXPECT_TRUE(contains(unset.output, "(from the default)")) << unset.output;
  EXPECT_FALSE(std::filesystem::exists(cwd.path / "data"));

  // A writing command creates it, says so, and the others then find it.
  const auto compute = eisgrid_in(cwd.path, env, "compute --grid 2");
  EXPECT_EQ(compute.exit_code, 0) << compute.output;
  EXPECT_TRUE(contains(compute.output, "created a new data root at '" + env_root.path.string() + "' (from EISGRID_DATA)"))
      << compute.output;
  EXPECT_TRUE(std::filesystem::exists(env_root.path / "npz/user_generated/grid_2_freq_0.1_100000.npz"));
  EXPECT_FALSE(std::filesystem::exists(cwd.path / "data"));
  const auto inspect = eisgrid_in(cwd.path, env, "inspect grid_2_freq_0.1_100000.npz");
  EXPECT_EQ(inspect.exit_code, 0) << inspect.output;
  const auto again = eisgrid_in(cwd.path, env, "compute --grid 3");
  EXPECT_FALSE(contains(again.output, "created a new data root")) << again.output;

  // --data wins over the environment.
  const auto flag = eisgrid_in(cwd.path, env, "compute -q --grid 2 --data here");
  EXPECT_EQ(flag.exit_code, 0) << flag.output;
  EXPECT_TRUE(std::filesystem::exists(cwd.path / "here/npz/user_generated/grid_2_freq_0.1_100000.npz"));
}
