// The naive RocksDB read-modify-write ceiling.
#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <filesystem>

#include "careloop/ids.h"
#include "ceilings.h"

namespace careloop::bench {

struct RocksRmw::Impl {
  std::unique_ptr<rocksdb::DB> db;
};

RocksRmw::RocksRmw(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RocksRmw::RocksRmw(RocksRmw&&) noexcept = default;
RocksRmw::~RocksRmw() = default;

Result<RocksRmw> RocksRmw::Prepare(const std::string& dir, std::uint64_t workers) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  rocksdb::Options options;  // naive: RocksDB's defaults
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) return Status::IoError(fmt::format("open {}: {}", dir, s.ToString()));
  auto impl = std::make_unique<Impl>();
  impl->db.reset(raw);
  // Values: printable pseudo-random bytes (they compress about as well as worker files).
  std::string value(kValueBytes, 'x');
  rocksdb::WriteBatch batch;
  for (std::uint64_t i = 0; i < workers; ++i) {
    std::uint64_t h = HashParts({"v", std::to_string(i)});
    for (std::size_t j = 0; j < kValueBytes; ++j) {
      value[j] = static_cast<char>('a' + (h >> (j % 60)) % 26);
      if (j % 60 == 59) h = h * 6364136223846793005ULL + 1442695040888963407ULL;
    }
    s = batch.Put(WorkerId(i), value);
    if (s.ok() && batch.Count() >= 10000) {
      s = impl->db->Write(rocksdb::WriteOptions(), &batch);
      batch.Clear();
    }
    if (!s.ok()) return Status::IoError(fmt::format("fill {}: {}", dir, s.ToString()));
  }
  s = impl->db->Write(rocksdb::WriteOptions(), &batch);
  if (s.ok()) s = impl->db->CompactRange(rocksdb::CompactRangeOptions(), nullptr, nullptr);
  if (!s.ok()) return Status::IoError(fmt::format("fill {}: {}", dir, s.ToString()));
  return RocksRmw(std::move(impl));
}

Result<Rate> RocksRmw::Run(const std::vector<Event>& events) {
  rocksdb::DB& db = *impl_->db;
  std::string value;
  Rate r;
  const auto start = SteadyClock::now();
  for (const Event& e : events) {
    rocksdb::Status s = db.Get(rocksdb::ReadOptions(), e.key, &value);
    if (s.IsNotFound())
      value.assign(kValueBytes, 'x');  // a worker beyond the fill
    else if (!s.ok())
      return Status::IoError(fmt::format("get: {}", s.ToString()));
    value[r.count % kValueBytes] ^= 1;
    s = db.Put(rocksdb::WriteOptions(), e.key, value);
    if (!s.ok()) return Status::IoError(fmt::format("put: {}", s.ToString()));
    ++r.count;
  }
  r.seconds = SecondsSince(start);
  r.per_second = r.count / r.seconds;
  return r;
}

}  // namespace careloop::bench
