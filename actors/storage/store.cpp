#include "actors/storage/store.hpp"

#include <rocksdb/compaction_filter.h>
#include <rocksdb/db.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/statistics.h>
#include <rocksdb/write_batch.h>

#include <chrono>
#include <filesystem>
#include <limits>

namespace xarb::storage {

namespace {

/// Meta key (default column family) holding the highest sequence ever written.
constexpr std::string_view seq_meta_key = "seq_high_water";

std::string be64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8)
    out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
  return out;
}

uint64_t from_be64(const rocksdb::Slice& s) noexcept {
  if (s.size() != 8)
    return 0;
  uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i)
    v = (v << 8) | static_cast<uint8_t>(s[i]);
  return v;
}

error_info rocks_error(const rocksdb::Status& st) {
  return {error_code::io_error, "rocksdb: " + st.ToString()};
}

/// max() of big-endian uint64 operands: concurrent writers merge their
/// highest sequence, so the order in which their batches land does not matter.
class max_u64_operator final : public rocksdb::AssociativeMergeOperator {
public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger*) const override {
    uint64_t a = existing ? from_be64(*existing) : 0;
    *new_value = be64(std::max(a, from_be64(value)));
    return true;
  }
  const char* Name() const override { return "xarb.max_u64"; }
};

/// Drops records whose key time is older than now - retention. One shared
/// instance per family (which says how its keys decode: history keys are
/// symbol-first): stateless apart from the constants, so thread-safe.
class retention_filter final : public rocksdb::CompactionFilter {
public:
  retention_filter(family fam, int64_t retention_s)
      : fam_(fam), retention_ns_(retention_s * 1'000'000'000) {}

  bool Filter(int, const rocksdb::Slice& key, const rocksdb::Slice&, std::string*,
              bool*) const override {
    auto parts = decode_key_of(fam_, std::string_view{key.data(), key.size()});
    if (!parts)
      return false; // not ours: keep
    auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
    return parts->ts < now - retention_ns_;
  }
  const char* Name() const override { return "xarb.retention"; }

private:
  family fam_;
  int64_t retention_ns_;
};

std::string_view view(const rocksdb::Slice& s) noexcept { return {s.data(), s.size()}; }

error_info malformed_key(family fam) {
  return {error_code::parse_error, "storage: malformed key in " + std::string{to_string(fam)}};
}

/// A history value must hold a sample of its key's symbol: a mismatch is
/// corruption (or a put_raw mistake), never silently another symbol's data.
error_info check_history_symbol(std::string_view key_symbol, const record& value,
                                const key_parts& parts) {
  const auto& x = std::get<market_sample>(value);
  if (x.symbol == key_symbol)
    return {};
  return {error_code::parse_error,
          "storage: history key of " + std::string{key_symbol} + " holds a sample of "
            + x.symbol + " at ts " + std::to_string(parts.ts) + " seq "
            + std::to_string(parts.seq)};
}

/// The key just past every history key of `symbol`: symbol + (separator + 1).
std::string history_end(std::string_view symbol) {
  auto out = history_prefix(symbol);
  out.back() = static_cast<char>(history_separator + 1);
  return out;
}

} // namespace

// -- batch ----------------------------------------------------------------------

void batch::add_record(family fam, timestamp_ns ts, record x) {
  auto bytes = encode_value(x);
  if (!bytes) {
    if (!err_)
      err_ = bytes.error();
    return;
  }
  entries_.push_back(entry{fam, ts, std::move(*bytes)});
}

void batch::add(const market_sample& x) {
  if (!valid_history_symbol(x.symbol)) {
    if (!err_)
      err_ = {error_code::parse_error,
              "storage: a market sample's symbol must be 1.."
                + std::to_string(max_history_symbol) + " bytes without NUL (got "
                + std::to_string(x.symbol.size()) + " bytes)"};
    return;
  }
  const auto before = entries_.size();
  add_record(family::history, x.ts, record{x});
  if (entries_.size() > before)
    entries_.back().key_prefix = history_prefix(x.symbol);
}

void batch::add_config(timestamp_ns ts, std::string toml) {
  add_record(family::config, ts, record{std::move(toml)});
}

// -- store ----------------------------------------------------------------------

struct store::impl {
  std::shared_ptr<rocksdb::MergeOperator> max_op = std::make_shared<max_u64_operator>();
  std::array<std::unique_ptr<retention_filter>, family_count> filters;
  std::shared_ptr<rocksdb::Statistics> statistics;
  rocksdb::DB* db = nullptr;
  rocksdb::ColumnFamilyHandle* meta = nullptr; // default family
  std::array<rocksdb::ColumnFamilyHandle*, family_count> cfs{};
  std::vector<rocksdb::ColumnFamilyHandle*> all; // every handle opened

  ~impl() {
    if (!db)
      return;
    for (auto* h : all)
      db->DestroyColumnFamilyHandle(h);
    db->Close();
    delete db;
  }

  rocksdb::ColumnFamilyHandle* cf(family f) const {
    return cfs[static_cast<std::size_t>(f)];
  }
};

store::store(store_options opts) : opts_(std::move(opts)), impl_(std::make_unique<impl>()) {}

store::~store() = default;

expected<std::unique_ptr<store>> store::open(const store_options& opts) {
  std::error_code ec;
  std::filesystem::create_directories(opts.dir, ec);
  if (ec)
    return error_info{error_code::io_error,
                      "rocksdb: cannot create " + opts.dir + ": " + ec.message()};
  std::unique_ptr<store> self{new store(opts)};
  auto& im = *self->impl_;

  rocksdb::DBOptions dbo;
  dbo.create_if_missing = true;
  dbo.create_missing_column_families = true;
  // A WAL file is kept until every family that wrote into it has flushed.
  // The default family (the sequence meta key) is tiny and would never fill
  // its memtable, so by default the WAL grows to 4 x all write buffers
  // (GBs with the history family's ~450 MB/day): cap it, which flushes the
  // family holding the oldest WAL.
  dbo.max_total_wal_size = uint64_t{256} << 20;
  // Tickers only (no histograms, no timers): cheap, and they let stats()
  // report what RocksDB really did with the sync policy.
  im.statistics = rocksdb::CreateDBStatistics();
  im.statistics->set_stats_level(rocksdb::StatsLevel::kExceptHistogramOrTimers);
  dbo.statistics = im.statistics;

  // Every existing family must be opened, ours plus any a newer build added.
  std::vector<std::string> existing;
  if (!rocksdb::DB::ListColumnFamilies(dbo, opts.dir, &existing).ok())
    existing.clear(); // a new database

  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  rocksdb::ColumnFamilyOptions meta_opts;
  meta_opts.merge_operator = im.max_op;
  descs.emplace_back(rocksdb::kDefaultColumnFamilyName, meta_opts);
  for (auto f : all_families) {
    rocksdb::ColumnFamilyOptions cfo;
    auto i = static_cast<std::size_t>(f);
    if (opts.retention_s[i] > 0) {
      im.filters[i] = std::make_unique<retention_filter>(f, opts.retention_s[i]);
      cfo.compaction_filter = im.filters[i].get();
    }
    descs.emplace_back(std::string{to_string(f)}, cfo);
  }
  for (auto& name : existing) {
    bool known = name == rocksdb::kDefaultColumnFamilyName;
    for (auto f : all_families)
      known = known || name == to_string(f);
    if (!known)
      descs.emplace_back(name, rocksdb::ColumnFamilyOptions{});
  }

  auto st = rocksdb::DB::Open(dbo, opts.dir, descs, &im.all, &im.db);
  if (!st.ok())
    return rocks_error(st);
  im.meta = im.all[0];
  for (std::size_t i = 0; i < family_count; ++i)
    im.cfs[i] = im.all[i + 1];

  // Resume sequences above anything ever written.
  uint64_t high = 0;
  std::string meta_value;
  st = im.db->Get(rocksdb::ReadOptions{}, im.meta, std::string{seq_meta_key}, &meta_value);
  if (st.ok())
    high = from_be64(meta_value);
  else if (!st.IsNotFound())
    return rocks_error(st);
  for (auto f : all_families) {
    std::unique_ptr<rocksdb::Iterator> it{im.db->NewIterator(rocksdb::ReadOptions{}, im.cf(f))};
    it->SeekToLast();
    if (it->Valid())
      if (auto parts = decode_key_of(f, view(it->key())))
        high = std::max(high, parts->seq);
    if (!it->status().ok())
      return rocks_error(it->status());
  }
  self->next_seq_.store(high + 1);
  return self;
}

expected<std::unique_ptr<store>> store::open_read_only(const std::string& dir) {
  store_options opts;
  opts.dir = dir;
  std::unique_ptr<store> self{new store(opts)};
  self->read_only_ = true;
  auto& im = *self->impl_;

  rocksdb::DBOptions dbo;
  dbo.create_if_missing = false;
  // Keep every table file open from the start: a node compacting the same
  // database meanwhile may delete files, open descriptors stay readable.
  dbo.max_open_files = -1;
  im.statistics = rocksdb::CreateDBStatistics();
  dbo.statistics = im.statistics;

  std::vector<std::string> existing;
  auto st = rocksdb::DB::ListColumnFamilies(dbo, dir, &existing);
  if (!st.ok())
    return rocks_error(st);
  // A read-only open may name a subset of the families: open ours that exist.
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  rocksdb::ColumnFamilyOptions meta_opts;
  meta_opts.merge_operator = im.max_op;
  descs.emplace_back(rocksdb::kDefaultColumnFamilyName, meta_opts);
  std::vector<std::size_t> slot; // descs[k + 1] -> family index
  for (auto f : all_families)
    for (auto& name : existing)
      if (name == to_string(f)) {
        descs.emplace_back(name, rocksdb::ColumnFamilyOptions{});
        slot.push_back(static_cast<std::size_t>(f));
      }
  st = rocksdb::DB::OpenForReadOnly(dbo, dir, descs, &im.all, &im.db);
  if (!st.ok())
    return rocks_error(st);
  im.meta = im.all[0];
  for (std::size_t k = 0; k < slot.size(); ++k)
    im.cfs[slot[k]] = im.all[k + 1];
  return self;
}

error_info store::fail(error_info err) {
  failed_.fetch_add(1);
  return err;
}

error_info store::write_entries(std::vector<batch::entry>& entries, bool sync) {
  if (inject_.load()) {
    injected_.fetch_add(1);
    return fail({error_code::io_error, "injected: disk full"});
  }
  if (read_only_)
    return fail({error_code::io_error, "storage: the store is open read-only"});
  if (entries.empty())
    return {};
  auto n = static_cast<uint64_t>(entries.size());
  auto first = next_seq_.fetch_add(n);
  rocksdb::WriteBatch wb;
  for (uint64_t i = 0; i < n; ++i) {
    auto& e = entries[i];
    auto st = wb.Put(impl_->cf(e.fam), e.key_prefix + encode_key(e.ts, first + i), e.value);
    if (!st.ok())
      return fail(rocks_error(st));
  }
  auto st = wb.Merge(impl_->meta, std::string{seq_meta_key}, be64(first + n - 1));
  if (!st.ok())
    return fail(rocks_error(st));
  rocksdb::WriteOptions wo;
  wo.disableWAL = false;
  wo.sync = sync;
  st = impl_->db->Write(wo, &wb);
  if (!st.ok())
    return fail(rocks_error(st));
  writes_.fetch_add(1);
  records_.fetch_add(n);
  if (sync)
    synced_.fetch_add(1);
  return {};
}

error_info store::journal(const order_update& x) {
  return journal_one(record{x});
}

error_info store::journal(const std::vector<order_update>& xs) {
  if (xs.empty())
    return {};
  std::vector<batch::entry> entries;
  entries.reserve(xs.size());
  for (const auto& x : xs) {
    auto bytes = encode_value(record{x});
    if (!bytes)
      return fail(bytes.error());
    entries.push_back({family::orders, x.ts, std::move(*bytes)});
  }
  return write_entries(entries, opts_.sync_journal);
}

error_info store::journal(const fill_record& x) {
  return journal_one(record{x});
}

error_info store::journal(const funding_record& x) {
  return journal_one(record{x});
}

error_info store::journal_one(const record& x) {
  auto bytes = encode_value(x);
  if (!bytes)
    return fail(bytes.error());
  std::vector<batch::entry> entries{{family_of(x), key_time(x), std::move(*bytes)}};
  return write_entries(entries, opts_.sync_journal);
}

error_info store::write(batch&& b) {
  if (b.err_ && !inject_.load())
    return fail(b.err_);
  return write_entries(b.entries_, false);
}

error_info store::put_raw(family fam, std::string_view key, std::string_view value) {
  if (inject_.load()) {
    injected_.fetch_add(1);
    return fail({error_code::io_error, "injected: disk full"});
  }
  if (read_only_)
    return fail({error_code::io_error, "storage: the store is open read-only"});
  rocksdb::WriteBatch wb;
  auto st = wb.Put(impl_->cf(fam), rocksdb::Slice{key.data(), key.size()},
                   rocksdb::Slice{value.data(), value.size()});
  auto parts = decode_key_of(fam, key);
  if (st.ok() && parts) {
    st = wb.Merge(impl_->meta, std::string{seq_meta_key}, be64(parts->seq));
    // Keep the live sequence above the raw one too.
    auto cur = next_seq_.load();
    while (cur <= parts->seq && !next_seq_.compare_exchange_weak(cur, parts->seq + 1)) {
    }
  }
  if (st.ok())
    st = impl_->db->Write(rocksdb::WriteOptions{}, &wb);
  if (!st.ok())
    return fail(rocks_error(st));
  writes_.fetch_add(1);
  records_.fetch_add(1);
  return {};
}

error_info store::scan(family fam, timestamp_ns from, timestamp_ns to,
                       const visitor& on_record) const {
  constexpr auto unbounded = std::numeric_limits<timestamp_ns>::max();
  if (from >= to || !impl_->cf(fam))
    return {}; // empty range, or a family a read-only open did not find
  if (fam == family::history)
    return scan_all_history(from, to, on_record);
  std::string lower = encode_key(from, 0);
  std::string upper = encode_key(to, 0);
  rocksdb::Slice upper_slice{upper};
  rocksdb::ReadOptions ro;
  if (to != unbounded)
    ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it{impl_->db->NewIterator(ro, impl_->cf(fam))};
  for (it->Seek(lower); it->Valid(); it->Next()) {
    auto key = it->key();
    auto parts = decode_key(std::string_view{key.data(), key.size()});
    if (!parts)
      return malformed_key(fam);
    auto value = decode_value(fam, std::string_view{it->value().data(), it->value().size()});
    if (!value)
      return {value.error().code, value.error().message + " at ts " + std::to_string(parts->ts)
                                    + " seq " + std::to_string(parts->seq)};
    if (!on_record(stored_record{parts->ts, parts->seq, std::move(*value)}))
      return {};
  }
  if (!it->status().ok())
    return rocks_error(it->status());
  return {};
}

error_info store::scan_all_history(timestamp_ns from, timestamp_ns to,
                                   const visitor& on_record) const {
  // Skip scan: per symbol, one seek to its `from`, then its records up to
  // `to`, then one seek past the symbol. Costs one seek per stored symbol,
  // never a read of records outside [from, to).
  constexpr auto unbounded = std::numeric_limits<timestamp_ns>::max();
  constexpr auto fam = family::history;
  std::unique_ptr<rocksdb::Iterator> it{impl_->db->NewIterator(rocksdb::ReadOptions{},
                                                               impl_->cf(fam))};
  it->SeekToFirst();
  while (it->Valid()) {
    auto parts = decode_history_key(view(it->key()));
    if (!parts)
      return malformed_key(fam);
    if (parts->ts < from) {
      it->Seek(encode_history_key(parts->symbol, from, 0));
      continue;
    }
    if (parts->ts >= to && to != unbounded) {
      it->Seek(history_end(parts->symbol));
      continue;
    }
    const key_parts kp{parts->ts, parts->seq};
    auto value = decode_value(fam, view(it->value()));
    if (!value)
      return {value.error().code, value.error().message + " at ts " + std::to_string(kp.ts)
                                    + " seq " + std::to_string(kp.seq)};
    if (auto err = check_history_symbol(parts->symbol, *value, kp))
      return err;
    if (!on_record(stored_record{kp.ts, kp.seq, std::move(*value)}))
      return {};
    it->Next();
  }
  if (!it->status().ok())
    return rocks_error(it->status());
  return {};
}

error_info store::scan_history(std::string_view symbol, timestamp_ns from, timestamp_ns to,
                               const std::function<bool(const market_sample&)>& visit) const {
  constexpr auto unbounded = std::numeric_limits<timestamp_ns>::max();
  constexpr auto fam = family::history;
  if (!valid_history_symbol(symbol))
    return {error_code::parse_error, "storage: invalid history symbol (1.."
                                       + std::to_string(max_history_symbol)
                                       + " bytes without NUL)"};
  if (from >= to || !impl_->cf(fam))
    return {};
  const auto lower = encode_history_key(symbol, from, 0);
  // to = max includes ts == max: bound at the end of the symbol instead.
  const auto upper = to == unbounded ? history_end(symbol) : encode_history_key(symbol, to, 0);
  rocksdb::Slice upper_slice{upper};
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it{impl_->db->NewIterator(ro, impl_->cf(fam))};
  for (it->Seek(lower); it->Valid(); it->Next()) {
    auto parts = decode_history_key(view(it->key()));
    if (!parts || parts->symbol != symbol)
      return malformed_key(fam);
    const key_parts kp{parts->ts, parts->seq};
    auto value = decode_value(fam, view(it->value()));
    if (!value)
      return {value.error().code, value.error().message + " at ts " + std::to_string(kp.ts)
                                    + " seq " + std::to_string(kp.seq)};
    if (auto err = check_history_symbol(symbol, *value, kp))
      return err;
    if (!visit(std::get<market_sample>(*value)))
      return {};
  }
  if (!it->status().ok())
    return rocks_error(it->status());
  return {};
}

expected<std::vector<order_update>> store::orders_since(timestamp_ns from) const {
  std::vector<order_update> out;
  auto err = scan(family::orders, from, std::numeric_limits<timestamp_ns>::max(),
                  [&out](const stored_record& r) {
                    out.push_back(std::get<order_update>(r.value));
                    return true;
                  });
  if (err)
    return err;
  return out;
}

error_info store::compact(family fam) {
  if (read_only_)
    return {error_code::io_error, "storage: the store is open read-only"};
  rocksdb::CompactRangeOptions cro;
  // Rewrite the bottom level too, so the retention filter sees every key.
  cro.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  auto st = impl_->db->CompactRange(cro, impl_->cf(fam), nullptr, nullptr);
  if (!st.ok())
    return rocks_error(st);
  return {};
}

store_stats store::stats() const noexcept {
  return {writes_.load(),        records_.load(), synced_.load(),
          failed_.load(),        injected_.load(),
          impl_->statistics->getTickerCount(rocksdb::WAL_FILE_SYNCED)};
}

} // namespace xarb::storage
