// The control channel of `careloop broker --control`: one text command per line (stdin),
// applied to the embedded broker's fault injection, answered with one line "ok ..." or
// "error: ..." on stdout. For fault tests and drills, never for production brokers.
//
//   down BROKER                      take a broker (1..N) down: connections refused
//   up BROKER                        bring it back
//   errors API COUNT ERROR           fail the next COUNT requests of an API
//                                    (Produce, Fetch, Metadata, ... or its key number)
//                                    with a Kafka error (NOT_LEADER_OR_FOLLOWER, ... or
//                                    its code)
//   leader TOPIC PARTITION|* BROKER  move partition leadership (BROKER -1: leaderless)
//   coordinator GROUP BROKER         make a broker the group's coordinator
//
// Thread-safety: call from one thread (the broker command's main loop).
#pragma once

#include <string>
#include <string_view>

#include "careloop/kafka/kafka.h"
#include "careloop/status.h"

namespace careloop::app {

// Parses and applies one command line. Returns the text of the "ok" reply (without the
// "ok"), or InvalidArgument naming what is wrong.
Result<std::string> ApplyBrokerCommand(kafka::MockBroker& broker, std::string_view line);

}  // namespace careloop::app
