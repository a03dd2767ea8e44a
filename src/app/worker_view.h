// The worker and petition file views live in src/api (the HTTP API serves them too);
// the app's commands use them under their old names.
#pragma once

#include "api/worker_view.h"

namespace careloop::app {

using api::DescribeResult;
using api::PetitionFileJson;
using api::PrintPetitionFile;
using api::PrintWorkerFile;
using api::WorkerFileJson;

}  // namespace careloop::app
