#include "support/config_copy.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace careloop::testing {

std::string CopyConfig(const std::string& dir, const std::map<std::string, std::string>& set) {
  namespace fs = std::filesystem;
  const std::string src = CARELOOP_SOURCE_DIR;
  const std::string root = dir + "/cfg";
  fs::create_directories(root);
  fs::copy(src + "/config", root + "/config", fs::copy_options::recursive);
  fs::copy(src + "/topologies", root + "/topologies", fs::copy_options::recursive);
  const std::string file = root + "/config/careloop.yaml";
  std::ifstream in(file);
  std::ostringstream out;
  std::string line;
  std::size_t replaced = 0;
  while (std::getline(in, line)) {
    bool done = false;
    for (const auto& [key, whole] : set) {
      if (!done && line.rfind(key, 0) == 0) {
        out << whole << '\n';
        done = true;
        ++replaced;
      }
    }
    if (!done) out << line << '\n';
  }
  in.close();
  REQUIRE(replaced == set.size());
  std::ofstream(file) << out.str();
  return root + "/config";
}

}  // namespace careloop::testing
