#include "codec_check.h"

#include <string>

#include "careloop/state/worker_file.h"

namespace careloop::state {
namespace {

// Decodes every list the file keeps encoded.
void DecodeAllLists(WorkerFile* f) {
  for (auto& c : f->conditions) {
    c.latest.items();
    c.preliminary.items();
    for (auto& k : c.cases) k.history.items();
  }
  f->log.items();
}
void DecodeAllLists(PetitionFile* f) { f->history.items(); }

template <typename File>
Status Check(std::string_view bytes, const char* what, Result<File> (*decode)(std::string_view),
             std::string (*encode)(const File&)) {
  auto file = decode(bytes);
  if (!file.ok()) {
    if (file.status().code() == Status::Code::kCorruption) return Status::Ok();
    return Status::Internal(std::string(what) +
                            ": not decoded, and not as Corruption: " + file.status().ToString());
  }
  const std::string kept = encode(*file);  // the lists as they were kept
  DecodeAllLists(&*file);
  const std::string fresh = encode(*file);  // every list encoded anew
  auto again = decode(kept);
  if (!again.ok()) {
    return Status::Internal(std::string(what) +
                            ": its re-encoding does not decode: " + again.status().ToString());
  }
  DecodeAllLists(&*again);
  if (encode(*again) != fresh) {
    return Status::Internal(std::string(what) + ": its re-encoding decodes to another value");
  }
  return Status::Ok();
}

}  // namespace

Status CheckCodecOnArbitraryBytes(std::string_view bytes) {
  if (Status s = Check<WorkerFile>(bytes, "worker file", DecodeWorkerFile, EncodeWorkerFile);
      !s.ok()) {
    return s;
  }
  return Check<PetitionFile>(bytes, "petition file", DecodePetitionFile, EncodePetitionFile);
}

}  // namespace careloop::state
