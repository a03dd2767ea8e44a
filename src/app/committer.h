// Committer: applies processing steps to the state store on its own thread, so that the
// pipeline's thread processes step N+1 while step N is encoded and written (pipelined
// commit). At most one step is in flight; the pipeline reads through it meanwhile as
// its Txn's overlay (engine/txn.h) and produces its outbound records only once it is
// collected as applied, so the guarantees are those of a synchronous commit: a crash
// loses the unapplied step whole (state, outbox and offsets together).
//
// Ownership: borrows the Store (must outlive it); shares each submitted StepChanges with
// the Txn reading it as overlay, and releases its share when the next step starts, so
// that the step's decoded files are usually destroyed on the committer's thread.
// Thread-safety: Submit/Collect/in_flight from one thread (the pipeline's); the work
// runs on the committer's own thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "careloop/engine/txn.h"
#include "careloop/state/store.h"
#include "careloop/status.h"

namespace careloop::app {

class Committer {
 public:
  explicit Committer(state::Store& store);
  ~Committer();  // waits for the step in flight, then stops the thread
  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

  // Starts encoding and applying `changes`. REQUIRES: !in_flight().
  void Submit(std::shared_ptr<engine::StepChanges> changes);
  // A step was submitted and not yet collected.
  bool in_flight() const { return in_flight_; }
  // The submitted step's outcome. With `wait`, blocks until it is done; without, returns
  // false at once when it is not. On true the step is collected: *status says whether it
  // was applied, and *set holds the applied WriteSet (its outbox_add: the step's
  // outbound records, in seq order). REQUIRES: in_flight().
  bool Collect(bool wait, Status* status, state::WriteSet* set);

 private:
  void Loop();

  state::Store& store_;
  bool in_flight_ = false;  // pipeline thread only

  std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<engine::StepChanges> job_;  // guarded by mu_: submitted, not started
  bool done_ = false;                         // guarded by mu_: result_ and set_ are ready
  bool stop_ = false;                         // guarded by mu_
  Status result_;                             // guarded by mu_
  state::WriteSet set_;                       // guarded by mu_ once done_

  std::thread thread_;  // last: started after the members above
};

}  // namespace careloop::app
