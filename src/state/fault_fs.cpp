// FaultFs: a FileSystemWrapper whose writes fail with NoSpace when triggered.
#include "state/fault_fs.h"

#include <fmt/format.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <atomic>
#include <charconv>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>

namespace careloop::state {
namespace {

// The trigger, shared by the file system and every file it opened.
class Trigger {
 public:
  Trigger(std::string when_path, std::int64_t budget)
      : when_path_(std::move(when_path)), budget_(budget) {}

  // True when a write of `bytes` must fail; counts the bytes of the writes that pass.
  bool Full(std::size_t bytes) {
    if (!when_path_.empty()) {
      struct stat st;
      return ::stat(when_path_.c_str(), &st) == 0;
    }
    const std::int64_t before = written_.fetch_add(static_cast<std::int64_t>(bytes));
    return before + static_cast<std::int64_t>(bytes) > budget_ || budget_ == 0;
  }

 private:
  const std::string when_path_;  // "" in budget mode
  const std::int64_t budget_;
  std::atomic<std::int64_t> written_{0};
};

rocksdb::IOStatus NoSpace() {
  return rocksdb::IOStatus::NoSpace("simulated disk full (CARELOOP_FAULT_FS)");
}

class FaultFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultFile(std::unique_ptr<rocksdb::FSWritableFile> f, std::shared_ptr<Trigger> trigger)
      : FSWritableFileOwnerWrapper(std::move(f)), trigger_(std::move(trigger)) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& d, const rocksdb::IOOptions& o,
                           rocksdb::IODebugContext* dbg) override {
    if (trigger_->Full(d.size())) return NoSpace();
    return FSWritableFileOwnerWrapper::Append(d, o, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& d, const rocksdb::IOOptions& o,
                           const rocksdb::DataVerificationInfo& v,
                           rocksdb::IODebugContext* dbg) override {
    if (trigger_->Full(d.size())) return NoSpace();
    return FSWritableFileOwnerWrapper::Append(d, o, v, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& d, uint64_t off,
                                     const rocksdb::IOOptions& o,
                                     rocksdb::IODebugContext* dbg) override {
    if (trigger_->Full(d.size())) return NoSpace();
    return FSWritableFileOwnerWrapper::PositionedAppend(d, off, o, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& d, uint64_t off,
                                     const rocksdb::IOOptions& o,
                                     const rocksdb::DataVerificationInfo& v,
                                     rocksdb::IODebugContext* dbg) override {
    if (trigger_->Full(d.size())) return NoSpace();
    return FSWritableFileOwnerWrapper::PositionedAppend(d, off, o, v, dbg);
  }

 private:
  std::shared_ptr<Trigger> trigger_;
};

class FaultFs : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultFs(std::shared_ptr<Trigger> trigger)
      : FileSystemWrapper(rocksdb::FileSystem::Default()), trigger_(std::move(trigger)) {}
  const char* Name() const override { return "CareloopFaultFs"; }

  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* dbg) override {
    if (trigger_->Full(0)) return NoSpace();
    return Wrap(target()->NewWritableFile(f, o, r, dbg), r);
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                       std::unique_ptr<rocksdb::FSWritableFile>* r,
                                       rocksdb::IODebugContext* dbg) override {
    if (trigger_->Full(0)) return NoSpace();
    return Wrap(target()->ReopenWritableFile(f, o, r, dbg), r);
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string& f, const std::string& old,
                                      const rocksdb::FileOptions& o,
                                      std::unique_ptr<rocksdb::FSWritableFile>* r,
                                      rocksdb::IODebugContext* dbg) override {
    if (trigger_->Full(0)) return NoSpace();
    return Wrap(target()->ReuseWritableFile(f, old, o, r, dbg), r);
  }

 private:
  rocksdb::IOStatus Wrap(rocksdb::IOStatus s, std::unique_ptr<rocksdb::FSWritableFile>* r) {
    if (s.ok()) *r = std::make_unique<FaultFile>(std::move(*r), trigger_);
    return s;
  }
  std::shared_ptr<Trigger> trigger_;
};

}  // namespace

Result<rocksdb::Env*> MakeFaultEnv(std::string_view spec) {
  constexpr std::string_view kWhen = "nospace-when=", kAfter = "nospace-after=";
  std::shared_ptr<Trigger> trigger;
  if (spec.substr(0, kWhen.size()) == kWhen && spec.size() > kWhen.size()) {
    trigger = std::make_shared<Trigger>(std::string(spec.substr(kWhen.size())), 0);
  } else if (spec.substr(0, kAfter.size()) == kAfter) {
    std::string_view n = spec.substr(kAfter.size());
    std::int64_t budget = -1;
    auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), budget);
    if (ec != std::errc() || end != n.data() + n.size() || budget < 0) {
      return Status::InvalidArgument(fmt::format("{}: bad byte count '{}'", kFaultFsEnvVar, n));
    }
    trigger = std::make_shared<Trigger>("", budget);
  } else {
    return Status::InvalidArgument(fmt::format(
        "{}='{}': expected nospace-when=PATH or nospace-after=BYTES", kFaultFsEnvVar, spec));
  }
  // Owned by the process: a store may be opened with it at any time until exit.
  auto* env = rocksdb::NewCompositeEnv(std::make_shared<FaultFs>(std::move(trigger))).release();
  spdlog::warn("state store: simulated disk faults enabled ({}={})", kFaultFsEnvVar, spec);
  return env;
}

Result<rocksdb::Env*> FaultEnvFromEnvironment() {
  static std::mutex mu;
  static Result<rocksdb::Env*> made = static_cast<rocksdb::Env*>(nullptr);
  static bool done = false;
  std::lock_guard<std::mutex> lock(mu);
  if (!done) {
    done = true;
    const char* spec = std::getenv(kFaultFsEnvVar);
    if (spec != nullptr && *spec != '\0') made = MakeFaultEnv(spec);
  }
  return made;
}

}  // namespace careloop::state
