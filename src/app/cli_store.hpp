// The embedded store as the offline CLI commands (`import`, `export`, `quality`) open it:
// warnings-only logging, and on failure one line on `err` ("renkei: cannot open the store
// in DIR: why"). `must_exist`: reading commands refuse a missing data directory rather than
// create an empty one for a mistyped path.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>

#include "store/sqlite/sqlite_store.hpp"

namespace renkei::app {

// Null after the error was written to `err`.
std::unique_ptr<store::sqlite::SqliteStore> OpenCliStore(const std::string& data_dir,
                                                         bool must_exist, std::ostream& err);

}  // namespace renkei::app
