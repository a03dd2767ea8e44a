// Shared helpers for the decode tests: the shipped catalog and message builders.
#pragma once

#include <string>
#include <string_view>

#include "careloop/decode/catalog.h"
#include "careloop/decode/event_decoder.h"

namespace careloop::decode::testing {

// config/tests.yaml, loaded once.
const Catalog& ShippedCatalog();

// Decodes `json` with a fresh decoder over the shipped catalog.
Decoded DecodeOnce(std::string_view json);

// A lab_result with the common fields and `results` (JSON text of the array).
std::string LabWithResults(std::string_view results);

// A lab_result whose common fields are `common` (JSON members without braces) followed
// by one good result.
std::string LabWithCommon(std::string_view common);

}  // namespace careloop::decode::testing
