// Kafka client errors as counts. librdkafka reports lost connections, brokers down and
// failed requests to each client's error callback; the kafka stage logs them and also
// hands a short, fixed kind to one process-wide observer (the app counts them in the
// careloop_kafka_errors_total metric). Kinds:
//   "transport"        a connection to a broker failed or was lost
//   "all_brokers_down" no broker of the cluster is reachable
//   "timed_out"        a request or a record's delivery timed out
//   "fetch"            a consumed partition reported an error instead of records
//   "fatal"            the client cannot go on (see Producer::fatal_error())
//   "other"            anything else librdkafka reported
//
// Thread-safety: SetErrorObserver may be called from any thread; the observer is called
// from whichever thread polls a client, or from librdkafka's own threads, possibly
// concurrently: it must be thread-safe and quick (e.g. increment a counter).
#pragma once

#include <functional>
#include <string_view>

namespace careloop::kafka {

using ErrorObserver = std::function<void(std::string_view kind)>;

// Replaces the observer; an empty function removes it. Default: none.
void SetErrorObserver(ErrorObserver observer);

}  // namespace careloop::kafka
