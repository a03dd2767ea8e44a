// Loading the test catalog from YAML (config/tests.yaml), with errors that name the
// file, the line and what is wrong. yaml-cpp stays inside this file.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>
#include <unordered_set>

#include "careloop/decode/catalog.h"
#include "decode/ascii.h"

namespace careloop::decode {
namespace {

class Loader {
 public:
  explicit Loader(std::string_view origin) : origin_(origin) {}

  Status Err(const YAML::Node& at, std::string_view what) const {
    const int line = at.IsDefined() ? at.Mark().line : -1;
    if (line < 0) return Status::InvalidArgument(fmt::format("{}: {}", origin_, what));
    return Status::InvalidArgument(fmt::format("{}:{}: {}", origin_, line + 1, what));
  }

  Status String(const YAML::Node& n, std::string_view ctx, std::string_view field, bool allow_empty,
                std::string* out) const {
    if (!n.IsScalar()) return Err(n, fmt::format("{}: '{}' must be a string", ctx, field));
    *out = n.Scalar();
    if (!allow_empty && out->empty()) {
      return Err(n, fmt::format("{}: '{}' must not be empty", ctx, field));
    }
    return Status::Ok();
  }

  Status Number(const YAML::Node& n, std::string_view ctx, std::string_view field,
                double* out) const {
    if (!n.IsScalar() || !YAML::convert<double>::decode(n, *out) || !std::isfinite(*out)) {
      return Err(n, fmt::format("{}: '{}' must be a finite number", ctx, field));
    }
    return Status::Ok();
  }

  // A non-empty sequence of non-empty, distinct strings.
  Status StringList(const YAML::Node& n, std::string_view ctx, std::string_view field,
                    std::vector<std::string>* out) const {
    if (!n.IsSequence() || n.size() == 0) {
      return Err(n, fmt::format("{}: '{}' must be a non-empty list", ctx, field));
    }
    for (const YAML::Node& item : n) {
      std::string s;
      CARELOOP_RETURN_IF_ERROR(String(item, ctx, field, false, &s));
      for (const std::string& seen : *out) {
        if (seen == s) return Err(item, fmt::format("{}: '{}' lists '{}' twice", ctx, field, s));
      }
      out->push_back(std::move(s));
    }
    return Status::Ok();
  }

  Status Unit(const YAML::Node& n, std::string_view ctx, UnitDef* u) const {
    if (n.IsScalar()) {
      u->name = n.Scalar();
      return Status::Ok();
    }
    if (!n.IsMap()) return Err(n, fmt::format("{}: a unit must be a string or a map", ctx));
    bool has_name = false;
    for (const auto& kv : n) {
      const std::string& key = kv.first.Scalar();
      if (key == "name") {
        CARELOOP_RETURN_IF_ERROR(String(kv.second, ctx, "name", true, &u->name));
        has_name = true;
      } else if (key == "multiply") {
        CARELOOP_RETURN_IF_ERROR(Number(kv.second, ctx, "multiply", &u->multiply));
      } else if (key == "divide") {
        CARELOOP_RETURN_IF_ERROR(Number(kv.second, ctx, "divide", &u->divide));
      } else {
        return Err(kv.first,
                   fmt::format("{}: unknown unit field '{}' (name multiply divide)", ctx, key));
      }
    }
    if (!has_name) return Err(n, fmt::format("{}: a unit needs 'name'", ctx));
    if (!(u->multiply > 0) || !(u->divide > 0)) {
      return Err(n, fmt::format("{}: unit '{}' needs multiply and divide > 0", ctx, u->name));
    }
    return Status::Ok();
  }

  Status Units(const YAML::Node& n, std::string_view ctx, TestDef* t) const {
    if (!n.IsSequence() || n.size() == 0) {
      return Err(n, fmt::format("{}: 'units' must be a non-empty list", ctx));
    }
    for (const YAML::Node& item : n) {
      UnitDef u;
      CARELOOP_RETURN_IF_ERROR(Unit(item, ctx, &u));
      if (Catalog::FindUnit(*t, u.name) != nullptr) {
        return Err(item, fmt::format("{}: unit '{}' is listed twice", ctx, u.name));
      }
      if (t->units.empty() && (u.multiply != 1 || u.divide != 1)) {
        return Err(item, fmt::format("{}: the first unit '{}' is the canonical one and cannot "
                                     "have a conversion factor",
                                     ctx, u.name));
      }
      t->units.push_back(std::move(u));
    }
    t->canonical_unit = t->units.front().name;
    return Status::Ok();
  }

  Status Plausible(const YAML::Node& n, std::string_view ctx, TestDef* t) const {
    if (!n.IsSequence() || n.size() != 2) {
      return Err(n, fmt::format("{}: 'plausible' must be [min, max]", ctx));
    }
    double lo = 0, hi = 0;
    CARELOOP_RETURN_IF_ERROR(Number(n[0], ctx, "plausible", &lo));
    CARELOOP_RETURN_IF_ERROR(Number(n[1], ctx, "plausible", &hi));
    if (lo > hi) return Err(n, fmt::format("{}: 'plausible' min is above max", ctx));
    t->min = lo;
    t->max = hi;
    return Status::Ok();
  }

  Status Test(const YAML::Node& n, size_t pos, TestDef* t) const;

 private:
  std::string_view origin_;
};

bool ValidCode(std::string_view code) {
  if (code.empty()) return false;
  for (char c : code) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

Status Loader::Test(const YAML::Node& n, size_t pos, TestDef* t) const {
  if (!n.IsMap()) return Err(n, fmt::format("test #{}: must be a map", pos + 1));
  // The code first, so every later error can name the test.
  std::string ctx = fmt::format("test #{}", pos + 1);
  for (const auto& kv : n) {
    if (kv.first.Scalar() != "code") continue;
    CARELOOP_RETURN_IF_ERROR(String(kv.second, ctx, "code", false, &t->code));
    if (!ValidCode(t->code)) {
      return Err(kv.second, fmt::format("{}: code '{}' must be upper-case letters, digits and _",
                                        ctx, t->code));
    }
    ctx = fmt::format("test {}", t->code);
  }
  if (t->code.empty()) return Err(n, fmt::format("{}: 'code' is required", ctx));

  std::unordered_set<std::string> seen;
  std::optional<YAML::Node> units, plausible, hpv;  // where they are, for later errors
  for (const auto& kv : n) {
    const std::string& key = kv.first.Scalar();
    if (!seen.insert(key).second)
      return Err(kv.first, fmt::format("{}: '{}' given twice", ctx, key));
    const YAML::Node& v = kv.second;
    if (key == "code") {
      continue;
    } else if (key == "name") {
      CARELOOP_RETURN_IF_ERROR(String(v, ctx, key, false, &t->name));
    } else if (key == "condition") {
      CARELOOP_RETURN_IF_ERROR(String(v, ctx, key, false, &t->condition));
    } else if (key == "loinc") {
      CARELOOP_RETURN_IF_ERROR(StringList(v, ctx, key, &t->loinc));
    } else if (key == "units") {
      CARELOOP_RETURN_IF_ERROR(Units(v, ctx, t));
      units = v;
    } else if (key == "plausible") {
      CARELOOP_RETURN_IF_ERROR(Plausible(v, ctx, t));
      plausible = v;
    } else if (key == "findings") {
      CARELOOP_RETURN_IF_ERROR(StringList(v, ctx, key, &t->findings));
      t->qualitative = true;
    } else if (key == "hpv") {
      CARELOOP_RETURN_IF_ERROR(StringList(v, ctx, key, &t->hpv));
      hpv = v;
    } else {
      return Err(kv.first, fmt::format("{}: unknown field '{}' (code name condition loinc units "
                                       "plausible findings hpv)",
                                       ctx, key));
    }
  }
  if (t->name.empty()) return Err(n, fmt::format("{}: 'name' is required", ctx));
  if (t->condition.empty()) return Err(n, fmt::format("{}: 'condition' is required", ctx));
  if (t->qualitative) {
    if (units) return Err(*units, fmt::format("{}: has both 'findings' and 'units'", ctx));
    if (plausible) {
      return Err(*plausible, fmt::format("{}: 'plausible' needs a quantitative test", ctx));
    }
  } else {
    if (!units) return Err(n, fmt::format("{}: needs 'units' or 'findings'", ctx));
    if (hpv) return Err(*hpv, fmt::format("{}: 'hpv' needs a qualitative test", ctx));
  }
  return Status::Ok();
}

}  // namespace

Result<Catalog> Catalog::LoadString(std::string_view yaml, std::string_view origin) {
  Loader ld(origin);
  Catalog cat;
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (!root.IsMap()) return ld.Err(root, "expected a map with a 'tests:' list");
    YAML::Node list;
    for (const auto& kv : root) {
      if (kv.first.Scalar() != "tests") {
        return ld.Err(kv.first,
                      fmt::format("unknown top-level field '{}' (tests)", kv.first.Scalar()));
      }
      list = kv.second;
    }
    if (!list.IsDefined()) return ld.Err(root, "missing the 'tests:' list");
    if (!list.IsSequence() || list.size() == 0) {
      return ld.Err(list, "'tests' must be a non-empty list");
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const YAML::Node item = list[i];
      TestDef t;
      CARELOOP_RETURN_IF_ERROR(ld.Test(item, i, &t));
      const size_t idx = cat.tests_.size();
      if (!cat.by_code_.emplace(t.code, idx).second) {
        return ld.Err(item, fmt::format("test {}: code is defined twice", t.code));
      }
      for (const std::string& l : t.loinc) {
        if (!cat.by_loinc_.emplace(l, idx).second) {
          return ld.Err(item, fmt::format("test {}: LOINC {} already names test {}", t.code, l,
                                          cat.tests_[cat.by_loinc_[l]].code));
        }
      }
      bool known = false;
      for (const std::string& c : cat.conditions_) known = known || c == t.condition;
      if (!known) cat.conditions_.push_back(t.condition);
      cat.tests_.push_back(std::move(t));
    }
  } catch (const YAML::Exception& e) {
    if (e.mark.line < 0) return Status::InvalidArgument(fmt::format("{}: {}", origin, e.msg));
    return Status::InvalidArgument(fmt::format("{}:{}: {}", origin, e.mark.line + 1, e.msg));
  }
  return cat;
}

Result<Catalog> Catalog::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(fmt::format("{}: cannot open the test catalog", path));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::IoError(fmt::format("{}: cannot read the test catalog", path));
  return LoadString(buf.str(), path);
}

}  // namespace careloop::decode
