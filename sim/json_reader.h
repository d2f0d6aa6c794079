#pragma once

// Just enough JSON to read the truth files back (internal to adclick_sim). The truth must share
// nothing with the engine, so it does not borrow the engine's JSON line parser.

#include <string>
#include <string_view>
#include <vector>

namespace adclick::core::clickgen {

//! A JSON value: objects, arrays, strings, numbers (kept as text), literals.
struct JsonNode {
    enum Type { Null, Bool, Number, String, Object, Array } type = Null;
    std::string text; //!< Number: its text; String: the unescaped value; Bool: "true"/"false"
    // Keys and values of an object in two vectors: a std::pair<std::string, JsonNode> member
    // would need JsonNode complete here, which clang's library refuses.
    std::vector<std::string> keys;
    std::vector<JsonNode> values;
    std::vector<JsonNode> items;
};

//! Parses a whole document (one value, whitespace around it); false when it is not JSON.
bool parseJson(std::string_view text, JsonNode& out);

} // namespace adclick::core::clickgen
