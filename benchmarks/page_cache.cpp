#include "page_cache.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <vector>

namespace careloop::bench {
namespace fs = std::filesystem;
namespace {

// Closes a file descriptor when it goes out of scope.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// The number of the file's bytes whose pages are in the page cache (mincore over a
// read-only mapping, which reads nothing).
std::uint64_t ResidentBytes(int fd, std::uint64_t size) {
  if (size == 0) return 0;
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) return 0;
  const long page = ::sysconf(_SC_PAGESIZE);
  const std::uint64_t pages = (size + page - 1) / page;
  std::vector<unsigned char> in(pages);
  std::uint64_t resident = 0;
  if (::mincore(map, size, in.data()) == 0) {
    for (std::uint64_t i = 0; i < pages; ++i) {
      if (in[i] & 1) resident += std::min<std::uint64_t>(page, size - i * page);
    }
  }
  ::munmap(map, size);
  return resident;
}

// Calls `step(fd)` for every regular file under `dir`, and totals sizes, resident
// bytes before the step, and time.
template <typename Step>
Result<PageCacheStep> ForEachFile(const std::string& dir, const char* what, Step step) {
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t bytes = 0, resident = 0;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    std::error_code fe;
    if (!e.is_regular_file(fe)) continue;
    Fd f{::open(e.path().c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0) {
      return Status::IoError(fmt::format("{} the page cache: open {}: {}", what, e.path().string(),
                                         std::strerror(errno)));
    }
    const std::uint64_t size = e.file_size(fe);
    resident += ResidentBytes(f.fd, size);
    bytes += size;
    if (auto s = step(f.fd); !s.ok()) {
      return Status::IoError(
          fmt::format("{} the page cache: {}: {}", what, e.path().string(), s.message()));
    }
  }
  if (ec) return Status::IoError(fmt::format("{} the page cache: {}: {}", what, dir, ec.message()));
  PageCacheStep out;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.mb = static_cast<double>(bytes) / 1e6;
  out.resident_share = bytes == 0 ? 1.0 : static_cast<double>(resident) / bytes;
  return out;
}

}  // namespace

Result<PageCacheStep> WarmPageCache(const std::string& dir) {
  std::vector<char> buffer(1 << 20);
  return ForEachFile(dir, "warm", [&](int fd) -> Status {
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    for (;;) {
      const ssize_t n = ::read(fd, buffer.data(), buffer.size());
      if (n == 0) return Status::Ok();
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::IoError(std::strerror(errno));
      }
    }
  });
}

Result<PageCacheStep> EvictPageCache(const std::string& dir) {
  return ForEachFile(dir, "empty", [](int fd) -> Status {
    if (::fdatasync(fd) != 0) return Status::IoError(std::strerror(errno));
    const int rc = ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    if (rc != 0) return Status::IoError(std::strerror(rc));
    return Status::Ok();
  });
}

Result<double> CachedShare(const std::string& dir) {
  auto r = ForEachFile(dir, "look at", [](int) { return Status::Ok(); });
  if (!r.ok()) return r.status();
  return r->resident_share;
}

}  // namespace careloop::bench
