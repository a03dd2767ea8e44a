// The ceilings: what the building blocks manage alone on this machine, measured on the
// same messages and key space as the end-to-end figures, in the same run.
//
//   - produce: careloop's kafka::Producer (idempotent, acks=all, lz4, its defaults) into
//     the embedded broker, until every record is confirmed;
//   - consume: raw librdkafka, no group, every partition assigned from its start, the
//     batch queue API with raised queues (what careloop's consumer is built on);
//   - parse: simdjson On-Demand visiting every field of every message (zero-copy, padded
//     in place), and careloop's EventDecoder on the same messages;
//   - RocksDB: naive read-modify-write (Get, change, Put; default options, one write per
//     update) of ~400-byte values keyed by the same worker ids, in the same order.
//
// Ownership: borrows its inputs. Thread-safety: one thread each.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bench.h"
#include "careloop/decode/catalog.h"
#include "careloop/status.h"

namespace careloop::bench {

struct Rate {
  double per_second = 0;
  double seconds = 0;
  std::uint64_t count = 0;
  double mb_per_second = 0;  // payload bytes, where meaningful
};

// Produces `events` to `topic` (keyed) with careloop's producer and waits for every
// delivery report. Fails if any record is not delivered.
Result<Rate> ProduceAll(const std::string& bootstrap, const std::string& topic,
                        const std::vector<Event>& events, std::size_t begin, std::size_t end);

// Low and high watermark of each partition of `topic`.
Result<std::vector<std::pair<std::int64_t, std::int64_t>>> Watermarks(const std::string& bootstrap,
                                                                      const std::string& topic,
                                                                      int partitions);

// Reads `expect` records of `topic` from the start of its `partitions` partitions.
Result<Rate> ConsumeCeiling(const std::string& bootstrap, const std::string& topic, int partitions,
                            std::uint64_t expect);

Rate SimdjsonCeiling(const std::vector<Event>& events);
Rate DecoderCeiling(const decode::Catalog& catalog, const std::vector<Event>& events);

// Naive RocksDB read-modify-write. Prepare() fills `dir` with one 400-byte value per
// worker id of a population of `workers` (then compacts); Run() updates the keys of
// `events` in order and reports updates per second.
class RocksRmw {
 public:
  static Result<RocksRmw> Prepare(const std::string& dir, std::uint64_t workers);
  RocksRmw(RocksRmw&&) noexcept;
  ~RocksRmw();
  Result<Rate> Run(const std::vector<Event>& events);
  static constexpr std::size_t kValueBytes = 400;

 private:
  struct Impl;
  explicit RocksRmw(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace careloop::bench
