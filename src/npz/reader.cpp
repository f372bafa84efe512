#include "npz/reader.hpp"

#include <unordered_map>

#include "base/error.hpp"
#include "npz/mapped_file.hpp"
#include "npz/member_reader.hpp"
#include "npz/zip_directory.hpp"
#include "npz/zip_format.hpp"

namespace eisgrid::npz {
namespace {

constexpr std::string_view k_member_suffix = ".npy";

// Runs `body`, prefixing any eisgrid::error's message with `context`, so that
// the layers below can report bare reasons: "cannot read 'x.npz': member
// 'resnorms.npy': CRC mismatch".
template <typename F>
auto with_context(const std::string& context, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const error& e) {
    throw error(e.kind(), context + e.what());
  }
}

}  // namespace

struct reader::impl {
  impl(detail::archive_bytes bytes, std::string name, const read_options& opts)
      : archive(std::make_shared<const detail::archive_bytes>(std::move(bytes))), display_name(std::move(name)), options(opts) {}

  // Shared with the arrays read_shared() hands out.
  std::shared_ptr<const detail::archive_bytes> archive;
  std::string display_name;
  read_options options;
  std::vector<detail::zip_entry> entries;
  std::vector<member_info> members;
  std::unordered_map<std::string, std::size_t> by_name;  // member name -> index into entries

  [[nodiscard]] std::string context() const { return "cannot read '" + display_name + "': "; }

  void index() {
    with_context(context(), [&] {
      entries = detail::read_directory(archive->bytes(), {options.max_member_bytes});
      for (std::size_t i = 0; i < entries.size(); ++i) {
        const std::string& file_name = entries[i].file_name;
        // Other members (numpy would hand them out as raw bytes) are not arrays: skip them.
        if (file_name.size() <= k_member_suffix.size() || !file_name.ends_with(k_member_suffix)) continue;
        member_info info;
        info.name = file_name.substr(0, file_name.size() - k_member_suffix.size());
        info.compressed_size = entries[i].compressed_size;
        info.uncompressed_size = entries[i].uncompressed_size;
        info.deflated = entries[i].method != 0;
        by_name.emplace(info.name, i);
        members.push_back(std::move(info));
      }
    });
  }

  [[nodiscard]] const detail::zip_entry& find(std::string_view name) const {
    const auto it = by_name.find(std::string(name));
    if (it == by_name.end()) {
      throw error(error_kind::not_found, context() + "no array '" + std::string(name) + "'");
    }
    return entries[it->second];
  }
};

reader reader::open(const std::filesystem::path& path) { return open(path, read_options{}); }

reader reader::open(const std::filesystem::path& path, const read_options& options) {
  const std::string name = path.filename().string();
  auto p = std::make_unique<impl>(detail::archive_bytes::map(path, name, options.populate), name, options);
  p->index();
  return reader(std::move(p));
}

reader reader::from_bytes(std::vector<std::byte> bytes, std::string display_name) {
  return from_bytes(std::move(bytes), std::move(display_name), read_options{});
}

reader reader::from_bytes(std::vector<std::byte> bytes, std::string display_name, const read_options& options) {
  auto p = std::make_unique<impl>(detail::archive_bytes(std::move(bytes)), std::move(display_name), options);
  p->index();
  return reader(std::move(p));
}

reader::reader(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
reader::reader(reader&&) noexcept = default;
reader& reader::operator=(reader&&) noexcept = default;
reader::~reader() = default;

const std::vector<member_info>& reader::members() const noexcept { return impl_->members; }

bool reader::contains(std::string_view name) const noexcept { return impl_->by_name.find(std::string(name)) != impl_->by_name.end(); }

array_header reader::header(std::string_view name) const {
  const detail::zip_entry& entry = impl_->find(name);
  return with_context(impl_->context() + "member '" + entry.file_name + "': ",
                      [&] { return detail::read_member_header(impl_->archive->bytes(), entry); });
}

array reader::read(std::string_view name) const {
  const detail::zip_entry& entry = impl_->find(name);
  return with_context(impl_->context() + "member '" + entry.file_name + "': ",
                      [&] { return detail::read_member(*impl_->archive, entry, impl_->options.threads); });
}

shared_array reader::read_shared(std::string_view name) const {
  const detail::zip_entry& entry = impl_->find(name);
  if (entry.method != detail::k_method_stored || !impl_->archive->mapped()) return shared_array(read(name));
  return with_context(impl_->context() + "member '" + entry.file_name + "': ", [&] {
    array_header header;
    const auto data = detail::stored_member_data(impl_->archive->bytes(), entry, impl_->options.threads, header);
    return shared_array(std::move(header), data, impl_->archive, true);
  });
}

array_header reader::scan(std::string_view name, const std::function<void(std::span<const std::byte>)>& sink) const {
  const detail::zip_entry& entry = impl_->find(name);
  return with_context(impl_->context() + "member '" + entry.file_name + "': ",
                      [&] { return detail::scan_member(*impl_->archive, entry, impl_->options.threads, impl_->archive->mapped(), sink); });
}

const std::string& reader::display_name() const noexcept { return impl_->display_name; }

}  // namespace eisgrid::npz
