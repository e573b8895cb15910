// A small, strict safetensors reader for C++ (header-only, no dependencies beyond the standard
// library): 8-byte little-endian header length, JSON header {name: {dtype, shape, data_offsets}},
// optional "__metadata__" string map, then the data section. Offsets are 64-bit.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace safetensors {

struct Json {  // just enough JSON for a safetensors header
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  double number = 0;
  std::string text;
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> fields;
};

class JsonParser {
 public:
  explicit JsonParser(const std::string& s) : s_(s) {}
  Json parse() {
    Json v = value();
    ws();
    if (i_ != s_.size()) fail("trailing characters");
    return v;
  }

 private:
  const std::string& s_;
  size_t i_ = 0;
  [[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("header JSON: " + what + " at byte " + std::to_string(i_));
  }
  void ws() { while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) i_++; }
  char peek() { ws(); if (i_ >= s_.size()) fail("unexpected end"); return s_[i_]; }
  void expect(char c) { if (peek() != c) fail(std::string("expected '") + c + "'"); i_++; }
  Json value() {
    char c = peek();
    Json v;
    if (c == '{') {
      v.kind = Json::Object;
      i_++;
      if (peek() == '}') { i_++; return v; }
      for (;;) {
        std::string k = str();
        expect(':');
        v.fields.emplace_back(k, value());
        if (peek() == ',') { i_++; continue; }
        expect('}');
        return v;
      }
    }
    if (c == '[') {
      v.kind = Json::Array;
      i_++;
      if (peek() == ']') { i_++; return v; }
      for (;;) {
        v.items.push_back(value());
        if (peek() == ',') { i_++; continue; }
        expect(']');
        return v;
      }
    }
    if (c == '"') { v.kind = Json::String; v.text = str(); return v; }
    if (s_.compare(i_, 4, "true") == 0) { i_ += 4; v.kind = Json::Bool; v.number = 1; return v; }
    if (s_.compare(i_, 5, "false") == 0) { i_ += 5; v.kind = Json::Bool; return v; }
    if (s_.compare(i_, 4, "null") == 0) { i_ += 4; return v; }
    size_t start = i_;
    while (i_ < s_.size() && std::strchr("+-0123456789.eE", s_[i_])) i_++;
    if (start == i_) fail("unexpected character");
    v.kind = Json::Number;
    v.text = s_.substr(start, i_ - start);
    v.number = std::stod(v.text);
    return v;
  }
  std::string str() {
    expect('"');
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      if (s_[i_] == '\\') {
        if (++i_ >= s_.size()) fail("bad escape");
        char e = s_[i_++];
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'u': {  // keep \uXXXX as UTF-8 (BMP only; enough for metadata text)
            if (i_ + 4 > s_.size()) fail("bad \\u escape");
            unsigned cp = std::stoul(s_.substr(i_, 4), nullptr, 16);
            i_ += 4;
            if (cp < 0x80) out += char(cp);
            else if (cp < 0x800) { out += char(0xC0 | (cp >> 6)); out += char(0x80 | (cp & 0x3F)); }
            else { out += char(0xE0 | (cp >> 12)); out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F)); }
            break;
          }
          default: out += e;
        }
      } else {
        out += s_[i_++];
      }
    }
    expect('"');
    return out;
  }
};

struct TensorInfo {
  std::string dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;
};

/** A whole safetensors file in memory, validated: every tensor's range lies in the data section and fits its dtype and shape. */
class File {
 public:
  explicit File(const std::string& path) : path_(path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot open");
    uint8_t len[8];
    if (!in.read(reinterpret_cast<char*>(len), 8)) throw std::runtime_error(path + ": shorter than the 8-byte header length");
    uint64_t n = 0;
    for (int i = 7; i >= 0; i--) n = (n << 8) | len[i];
    in.seekg(0, std::ios::end);
    uint64_t size = static_cast<uint64_t>(in.tellg());
    if (n > size - 8 || n > (100u << 20)) throw std::runtime_error(path + ": header length " + std::to_string(n) + " does not fit the file");
    std::string header(n, '\0');
    in.seekg(8);
    in.read(&header[0], static_cast<std::streamsize>(n));
    data_.resize(size - 8 - n);
    in.read(reinterpret_cast<char*>(data_.data()), static_cast<std::streamsize>(data_.size()));
    if (!in) throw std::runtime_error(path + ": cannot read the data section");
    Json root = JsonParser(header).parse();
    if (root.kind != Json::Object) throw std::runtime_error(path + ": the header is not a JSON object");
    for (auto& [name, v] : root.fields) {
      if (name == "__metadata__") {
        for (auto& [k, m] : v.fields) metadata[k] = m.text;
        continue;
      }
      TensorInfo t;
      for (auto& [k, f] : v.fields) {
        if (k == "dtype") t.dtype = f.text;
        else if (k == "shape") for (auto& d : f.items) t.shape.push_back(std::stoll(d.text));
        else if (k == "data_offsets" && f.items.size() == 2) { t.begin = std::stoull(f.items[0].text); t.end = std::stoull(f.items[1].text); }
      }
      uint64_t elems = 1;
      for (int64_t d : t.shape) elems *= static_cast<uint64_t>(d);
      if (t.end < t.begin || t.end > data_.size() || t.end - t.begin != elems * element_size(t.dtype)) {
        throw std::runtime_error(path + ": tensor '" + name + "' has data_offsets that do not match its dtype/shape or the file");
      }
      tensors[name] = t;
      order.push_back(name);
    }
  }

  static uint64_t element_size(const std::string& dtype) {
    if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
    if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
    if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
    if (dtype == "I8" || dtype == "U8" || dtype == "BOOL") return 1;
    throw std::runtime_error("unknown dtype " + dtype);
  }

  bool has(const std::string& name) const { return tensors.count(name) > 0; }
  const TensorInfo& info(const std::string& name) const {
    auto it = tensors.find(name);
    if (it == tensors.end()) throw std::runtime_error(path_ + ": no tensor '" + name + "'");
    return it->second;
  }
  const uint8_t* bytes(const std::string& name) const { return data_.data() + info(name).begin; }

  std::map<std::string, std::string> metadata;
  std::map<std::string, TensorInfo> tensors;
  std::vector<std::string> order;

 private:
  std::string path_;
  std::vector<uint8_t> data_;
};

}  // namespace safetensors
