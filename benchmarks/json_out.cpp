#include "json_out.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cmath>

namespace careloop::bench {
namespace {

rapidjson::Value Str(std::string_view s, rapidjson::Document::AllocatorType& a) {
  return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

}  // namespace

JsonOut::Value& JsonOut::Member(Value& parent, std::string_view key) {
  auto& a = doc_.GetAllocator();
  auto it = parent.FindMember(Str(key, a));
  if (it != parent.MemberEnd()) return it->value;
  parent.AddMember(Str(key, a), Value(), a);
  return parent.MemberEnd()[-1].value;
}

JsonOut::Value& JsonOut::Object(Value& parent, std::string_view key) {
  Value& v = Member(parent, key);
  if (!v.IsObject()) v.SetObject();
  return v;
}

void JsonOut::Set(Value& parent, std::string_view key, double v) {
  // Figures to 4 significant digits past the point are plenty, and keep the file readable.
  const double rounded = std::isfinite(v) ? std::round(v * 10000.0) / 10000.0 : 0;
  Member(parent, key).SetDouble(rounded);
}

void JsonOut::Set(Value& parent, std::string_view key, std::string_view v) {
  Member(parent, key) = Str(v, doc_.GetAllocator());
}

void JsonOut::SetBool(Value& parent, std::string_view key, bool v) {
  Member(parent, key).SetBool(v);
}

void JsonOut::Set(Value& parent, std::string_view key, const std::vector<double>& v) {
  Value& arr = Member(parent, key);
  arr.SetArray();
  for (double d : v) {
    arr.PushBack(Value(std::isfinite(d) ? std::round(d * 10000.0) / 10000.0 : 0),
                 doc_.GetAllocator());
  }
}

std::string JsonOut::Pretty() const {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.SetIndent(' ', 2);
  w.SetFormatOptions(rapidjson::kFormatSingleLineArray);
  doc_.Accept(w);
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

double Number(const rapidjson::Value& v, std::initializer_list<std::string_view> path,
              double fallback) {
  const rapidjson::Value* cur = &v;
  for (std::string_view key : path) {
    if (!cur->IsObject()) return fallback;
    auto it = cur->FindMember(rapidjson::Value(
        rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
    if (it == cur->MemberEnd()) return fallback;
    cur = &it->value;
  }
  return cur->IsNumber() ? cur->GetDouble() : fallback;
}

}  // namespace careloop::bench
