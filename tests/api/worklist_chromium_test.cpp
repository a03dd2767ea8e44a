// End to end in a browser: the worklist page at / loaded in headless Chromium (Debian
// `chromium`, /usr/bin/chromium) against `careloop run` fed with the scenario; the test
// reads the DOM as rendered after the page's own fetches (--dump-dom after a virtual
// time budget) and checks the list staff would see.
#include <regex>
#include <set>

#include "tests/api/e2e_support.h"

using namespace careloop::apitest;

namespace {

const std::string kChromium = "/usr/bin/chromium";

// The rendered DOM of `url`, by headless Chromium with a throw-away profile.
std::string RenderedDom(const std::string& url, const TempDir& dir) {
  REQUIRE(std::filesystem::exists(kChromium));  // Debian package `chromium`
  int status = -1;
  std::string dom =
      RunCommand({kChromium, "--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-extensions", "--user-data-dir=" + dir.path() + "/chromium",
                  "--virtual-time-budget=5000", "--dump-dom", url},
                 &status, std::chrono::seconds(90));
  INFO("chromium exit status " << status);
  REQUIRE(status == 0);
  return dom;
}

// The inner HTML of the element with `id` (no nested element of the same tag).
std::string Element(const std::string& dom, const std::string& tag, const std::string& id) {
  auto open = dom.find("<" + tag + " id=\"" + id + "\"");
  if (open == std::string::npos) return "";
  auto start = dom.find('>', open);
  auto end = dom.find("</" + tag + ">", start);
  if (start == std::string::npos || end == std::string::npos) return "";
  return dom.substr(start + 1, end - start - 1);
}

// The text of a tile, e.g. <b id="workers-red">3</b> -> "3".
std::string Tile(const std::string& dom, const std::string& id) { return Element(dom, "b", id); }

struct Row {
  std::string worker;
  std::string tier;
  bool overdue = false;
};

// The case rows of a rendered table body, in order.
std::vector<Row> Rows(const std::string& tbody) {
  std::vector<Row> rows;
  static const std::regex kRow(
      R"re(<tr class="case[^"]*"[^>]*data-worker-id="([^"]*)" data-tier="([^"]*)" data-overdue="([^"]*)")re");
  for (auto it = std::sregex_iterator(tbody.begin(), tbody.end(), kRow);
       it != std::sregex_iterator(); ++it) {
    rows.push_back({(*it)[1].str(), (*it)[2].str(), (*it)[3].str() == "true"});
  }
  return rows;
}

// The DOM without <script> and <style> blocks (what is rendered, attributes included).
// A plain scan: std::regex recurses once per character here and overflows the stack on a
// page this size under ASan.
std::string WithoutCode(const std::string& dom) {
  std::string out;
  std::size_t at = 0;
  while (at < dom.size()) {
    std::size_t open = std::string::npos;
    std::string close;
    for (const char* tag : {"script", "style"}) {
      std::size_t p = dom.find(std::string("<") + tag, at);
      if (p < open) {
        open = p;
        close = std::string("</") + tag + ">";
      }
    }
    if (open == std::string::npos) break;
    out.append(dom, at, open - at);
    std::size_t end = dom.find(close, open);
    at = end == std::string::npos ? dom.size() : end + close.size();
  }
  if (at < dom.size()) out.append(dom, at, std::string::npos);
  return out;
}

}  // namespace

TEST_CASE("The worklist page rendered in headless Chromium lists whom to call, in order",
          "[kafka][api][e2e][chromium]") {
  TempDir dir;
  const std::string config = FastConfig(dir);
  Broker broker;
  StartBroker(&broker, config);
  Careloop run;
  StartCareloop(&run, config, broker.bootstrap, dir.path() + "/state");
  Scenario s = MakeScenario();
  FeedAndWait(run, s, broker.bootstrap, dir);

  // The page as served needs no build step: one HTML file, no external script or style.
  auto served = HttpGet(run.http, "/");
  REQUIRE(served.status == 200);
  CHECK(served.body.find("<script src") == std::string::npos);
  CHECK(served.body.find("<link") == std::string::npos);

  const std::string dom = RenderedDom("http://" + run.http + "/?refresh=60", dir);
  INFO(dom);
  REQUIRE(dom.find(R"(<body data-state="loaded")") != std::string::npos);

  // Red first: the overdue case, then the one still due; the reached one is not listed.
  auto red_at = dom.find(R"(id="red-rows")");
  auto yellow_at = dom.find(R"(id="yellow-rows")");
  REQUIRE(red_at != std::string::npos);
  REQUIRE(yellow_at != std::string::npos);
  CHECK(red_at < yellow_at);
  auto red = Rows(Element(dom, "tbody", "red-rows"));
  REQUIRE(red.size() == 2);
  CHECK(red[0].worker == "W-RED-LATE");
  CHECK(red[0].overdue);
  CHECK(red[1].worker == "W-RED-CRIT");
  CHECK_FALSE(red[1].overdue);
  for (const auto& r : red) CHECK(r.tier == "red");
  CHECK(Element(dom, "tbody", "red-rows").find("overdue ") != std::string::npos);
  CHECK(Element(dom, "tbody", "red-rows").find("critical") != std::string::npos);

  // Then the yellow re-checks due (both due in 7 days, within the page's 14).
  auto yellow = Rows(Element(dom, "tbody", "yellow-rows"));
  REQUIRE(yellow.size() == 2);
  std::set<std::string> yellow_workers;
  for (const auto& r : yellow) {
    CHECK(r.tier == "yellow");
    CHECK_FALSE(r.overdue);
    yellow_workers.insert(r.worker);
  }
  CHECK(yellow_workers == std::set<std::string>{"W-YEL-1", "W-YEL-2"});

  // The tier census and petition figures at the top.
  CHECK(Tile(dom, "workers-red") == "3");
  CHECK(Tile(dom, "workers-yellow") == "2");
  CHECK(Tile(dom, "workers-green") == "1");
  CHECK(Tile(dom, "workers-none") == "1");
  CHECK(Tile(dom, "overdue-red") == "1");
  CHECK(Tile(dom, "pet-submitted") == "2");
  CHECK(Tile(dom, "pet-open") == "2");
  CHECK(Tile(dom, "pet-first-response") == "50 %");
  CHECK(Tile(dom, "pet-on-time-routine") == "100 %");
  CHECK(dom.find(R"(id="census")") < red_at);
  CHECK(dom.find(R"(id="petitions")") < red_at);

  // No lab test value or unit anywhere in what is rendered.
  const std::string shown = WithoutCode(dom);
  for (const auto& value : kScenarioValues) {
    INFO(value);
    std::regex token("(^|[^0-9.])" + std::regex_replace(value, std::regex(R"(\.)"), R"(\.)") +
                     "($|[^0-9])");
    CHECK_FALSE(std::regex_search(shown, token));
  }
  for (const char* unit : {"mmol", "mm[Hg]", "U/L"}) CHECK(shown.find(unit) == std::string::npos);

  StopCareloop(&run);
}
