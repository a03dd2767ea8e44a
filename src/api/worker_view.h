// Views of a worker file and a petition file for people: text for `careloop inspect` and
// the demo summary, JSON for `inspect --json` and the HTTP API.
//
// Thread-safety: pure functions.
#pragma once

#include <ostream>
#include <string>

#include "careloop/state/worker_file.h"

namespace careloop::api {

void PrintWorkerFile(const state::WorkerFile& file, std::ostream& os);
std::string WorkerFileJson(const state::WorkerFile& file);
void PrintPetitionFile(const state::PetitionFile& file, std::ostream& os);
std::string PetitionFileJson(const state::PetitionFile& file);
// One line per result: "TG 5.8 mmol/L (red, lipids.tg.red)"; a converted value to 4
// significant digits, then as reported: "GLU 19.28 mmol/L, reported 347.3 mg/dL".
std::string DescribeResult(const state::StoredResult& r);

}  // namespace careloop::api
