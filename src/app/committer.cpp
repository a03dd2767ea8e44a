#include "committer.h"

#include <utility>

namespace careloop::app {

Committer::Committer(state::Store& store) : store_(store), thread_([this] { Loop(); }) {}

Committer::~Committer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Committer::Submit(std::shared_ptr<engine::StepChanges> changes) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_ = std::move(changes);
    done_ = false;
  }
  in_flight_ = true;
  cv_.notify_all();
}

bool Committer::Collect(bool wait, Status* status, state::WriteSet* set) {
  std::unique_lock<std::mutex> lock(mu_);
  if (wait) {
    cv_.wait(lock, [this] { return done_; });
  } else if (!done_) {
    return false;
  }
  *status = std::move(result_);
  result_ = Status::Ok();
  std::swap(*set, set_);
  done_ = false;
  in_flight_ = false;
  return true;
}

void Committer::Loop() {
  // The previous step: kept until the next one starts, so that the last share of it (the
  // pipeline's overlay is dropped before the next Submit) usually ends here.
  std::shared_ptr<engine::StepChanges> last;
  state::WriteSet set;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || job_ != nullptr; });
    if (job_ == nullptr) return;  // stopping, nothing submitted
    std::shared_ptr<engine::StepChanges> job = std::move(job_);
    job_ = nullptr;
    lock.unlock();
    last.reset();
    set.Clear();
    engine::EncodeStep(*job, &set);
    Status st = store_.Apply(set);
    last = std::move(job);
    lock.lock();
    result_ = std::move(st);
    std::swap(set_, set);
    done_ = true;
    cv_.notify_all();
  }
}

}  // namespace careloop::app
