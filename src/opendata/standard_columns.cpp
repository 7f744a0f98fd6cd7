#include "opendata/standard_columns.hpp"

#include <algorithm>
#include <map>

namespace renkei::opendata {
namespace {

using Columns = std::vector<std::string>;

Columns Join(std::initializer_list<Columns> parts) {
  Columns out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

// Columns the old and new header of 公衆トイレ share, in order.
const Columns& ToiletCountColumns() {
  static const Columns kColumns{"男性トイレ総数",           "男性トイレ数（小便器）",
                                "男性トイレ数（和式）",     "男性トイレ数（洋式）",
                                "女性トイレ総数",           "女性トイレ数（和式）",
                                "女性トイレ数（洋式）",     "男女共用トイレ総数",
                                "男女共用トイレ数（和式）", "男女共用トイレ数（洋式）"};
  return kColumns;
}

// Columns the old and new header of 指定緊急避難場所 share, in order.
const Columns& EvacuationColumns() {
  static const Columns kColumns{"災害種別_洪水",         "災害種別_崖崩れ、土石流及び地滑り",
                                "災害種別_高潮",         "災害種別_地震",
                                "災害種別_津波",         "災害種別_大規模な火事",
                                "災害種別_内水氾濫",     "災害種別_火山現象",
                                "指定避難所との重複",    "想定収容人数",
                                "対象となる町会・自治会"};
  return kColumns;
}

// 推奨データセット column lists (municipal-context.md §3.1), keyed by built-in dataset name.
const std::map<std::string, Columns, std::less<>>& OldHeaders() {
  static const std::map<std::string, Columns, std::less<>> kHeaders{
      {"aed",
       {"都道府県コード又は市区町村コード",
        "NO",
        "都道府県名",
        "市区町村名",
        "名称",
        "名称_カナ",
        "住所",
        "方書",
        "緯度",
        "経度",
        "設置位置",
        "電話番号",
        "内線番号",
        "法人番号",
        "団体名",
        "利用可能曜日",
        "開始時間",
        "終了時間",
        "利用可能日時特記事項",
        "小児対応設備の有無",
        "URL",
        "備考"}},
      {"care_service",
       {"都道府県コード又は市区町村コード",
        "NO",
        "都道府県名",
        "市区町村名",
        "介護サービス事業所名称",
        "介護サービス事業所名称_カナ",
        "実施サービス",
        "住所",
        "方書",
        "緯度",
        "経度",
        "電話番号",
        "内線番号",
        "FAX番号",
        "法人番号",
        "法人の名称",
        "事業所番号",
        "利用可能曜日",
        "利用可能曜日特記事項",
        "定員",
        "URL",
        "備考"}},
      {"medical_institution",
       {"都道府県コード又は市区町村コード",
        "NO",
        "都道府県名",
        "市区町村名",
        "名称",
        "名称_カナ",
        "医療機関の種類",
        "住所",
        "方書",
        "緯度",
        "経度",
        "電話番号",
        "内線番号",
        "FAX番号",
        "法人番号",
        "法人の名称",
        "医療機関コード",
        "診療曜日",
        "診療開始時間",
        "診療終了時間",
        "診療日時特記事項",
        "時間外における対応",
        "診療科目",
        "病床数",
        "URL",
        "備考"}},
      {"cultural_property",
       {"都道府県コード又は市区町村コード",
        "NO",
        "都道府県名",
        "市区町村名",
        "名称",
        "名称_カナ",
        "名称_通称",
        "名称_英語",
        "文化財分類",
        "種類",
        "場所名称",
        "住所",
        "方書",
        "緯度",
        "経度",
        "電話番号",
        "内線番号",
        "員数（数）",
        "員数（単位）",
        "法人番号",
        "所有者等",
        "文化財指定日",
        "利用可能曜日",
        "開始時間",
        "終了時間",
        "利用可能日時特記事項",
        "画像",
        "画像_ライセンス",
        "概要",
        "概要_英語",
        "説明",
        "説明_英語",
        "URL",
        "備考"}},
      {"tourism",
       {"都道府県コード又は市区町村コード",
        "NO",
        "都道府県名",
        "市区町村名",
        "名称",
        "名称_カナ",
        "名称_英語",
        "POIコード",
        "住所",
        "方書",
        "緯度",
        "経度",
        "利用可能曜日",
        "開始時間",
        "終了時間",
        "利用可能日時特記事項",
        "料金(基本)",
        "料金(詳細)",
        "説明",
        "説明_英語",
        "アクセス方法",
        "駐車場情報",
        "バリアフリー情報",
        "連絡先名称",
        "連絡先電話番号",
        "連絡先内線番号",
        "画像",
        "画像_ライセンス",
        "URL",
        "備考"}},
      {"event",
       {"都道府県コード又は市区町村コード",
        "NO",
        "都道府県名",
        "市区町村名",
        "イベント名",
        "イベント名_カナ",
        "イベント名_英語",
        "開始日",
        "終了日",
        "開始時間",
        "終了時間",
        "開始日時特記事項",
        "説明",
        "料金(基本)",
        "料金(詳細)",
        "連絡先名称",
        "連絡先電話番号",
        "連絡先内線番号",
        "主催者",
        "場所名称",
        "住所",
        "方書",
        "緯度",
        "経度",
        "アクセス方法",
        "駐車場情報",
        "定員",
        "参加申込終了日",
        "参加申込終了時間",
        "参加申込方法",
        "URL",
        "備考"}},
      {"wifi_access_point",
       {"都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称", "名称_カナ",
        "名称_英語", "住所", "方書", "緯度", "経度", "設置者", "電話番号", "内線番号", "SSID",
        "提供エリア", "URL", "備考"}},
      {"public_toilet",
       Join({{"都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称",
              "名称_カナ", "名称_英語", "住所", "方書", "設置位置", "緯度", "経度"},
             ToiletCountColumns(),
             {"多機能トイレ数", "車椅子使用者用トイレ有無", "乳幼児用設備設置トイレ有無",
              "オストメイト設置トイレ有無", "利用開始時間", "利用終了時間", "利用可能時間特記事項",
              "画像", "画像_ライセンス", "備考"}})},
      {"fire_water_supply",
       {"都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "種別", "住所",
        "方書", "緯度", "経度", "口径", "備考"}},
      {"evacuation_space",
       Join({{"NO", "名称", "名称_カナ", "住所", "方書", "緯度", "経度", "標高", "電話番号",
              "内線番号", "市区町村コード", "都道府県名", "市区町村名"},
             EvacuationColumns(),
             {"URL", "備考"}})},
      {"public_facility",
       {"都道府県コード又は市区町村コード",
        "NO",
        "都道府県名",
        "市区町村名",
        "名称",
        "名称_カナ",
        "名称_通称",
        "POIコード",
        "住所",
        "方書",
        "緯度",
        "経度",
        "電話番号",
        "内線番号",
        "法人番号",
        "団体名",
        "利用可能曜日",
        "開始時間",
        "終了時間",
        "利用可能日時特記事項",
        "説明",
        "バリアフリー情報",
        "URL",
        "備考"}},
      {"child_care_facility",
       {"都道府県コード又は市区町村コード",
        "NO",
        "都道府県名",
        "市区町村名",
        "名称",
        "名称_カナ",
        "種別",
        "住所",
        "方書",
        "緯度",
        "経度",
        "アクセス方法",
        "駐車場情報",
        "電話番号",
        "内線番号",
        "FAX番号",
        "法人番号",
        "団体名",
        "認可等年月日",
        "収容定員",
        "受入年齢",
        "利用可能曜日",
        "開始時間",
        "終了時間",
        "利用可能日時特記事項",
        "一時預かりの有無",
        "URL",
        "備考"}},
  };
  return kHeaders;
}

const Columns& AddressBlock() {
  static const Columns kBlock{"所在地_全国地方公共団体コード",
                              "町字ID",
                              "所在地_連結表記",
                              "所在地_都道府県",
                              "所在地_市区町村",
                              "所在地_町字",
                              "所在地_番地以下",
                              "建物名等(方書)"};
  return kBlock;
}

// The exact new headers known from real files (municipal-context.md §3.1 "Concrete headers");
// each has the 所在地_* block of AddressBlock() in the middle.
const std::map<std::string, Columns, std::less<>>& KnownNewHeaders() {
  static const std::map<std::string, Columns, std::less<>> kHeaders{
      {"public_toilet",
       Join({{"全国地方公共団体コード", "ID", "地方公共団体名", "名称", "名称_カナ", "名称_英語"},
             AddressBlock(),
             {"設置位置", "緯度", "経度", "高度の種別", "高度の値"},
             ToiletCountColumns(),
             {"バリアフリートイレ数", "車椅子使用者用トイレ有無", "乳幼児用設備設置トイレ有無",
              "オストメイト設置トイレ有無", "利用開始時間", "利用終了時間", "利用可能時間特記事項",
              "画像", "画像_ライセンス", "備考"}})},
      {"evacuation_space",
       Join({{"全国地方公共団体コード", "ID", "名称", "名称_カナ", "名称_英字"},
             AddressBlock(),
             {"緯度", "経度", "標高", "電話番号", "内線番号", "連絡先メールアドレス",
              "連絡先FormURL", "連絡先備考(その他、SNSなど)", "郵便番号",
              "市区町村コード(設置主体)", "地方公共団体名(設置主体)"},
             EvacuationColumns(),
             {"URL", "画像", "画像_ライセンス", "備考"}})},
      {"fire_water_supply", Join({{"全国地方公共団体コード", "ID", "地方公共団体名", "種別"},
                                  AddressBlock(),
                                  {"緯度", "経度", "口径", "備考"}})},
  };
  return kHeaders;
}

// The new generation of an old list as the three known datasets changed: the four code and
// name columns become 全国地方公共団体コード, ID, 地方公共団体名; 住所 + 方書 become the
// 所在地_* block; 多機能トイレ数 was renamed バリアフリートイレ数.
Columns DeriveNewHeader(const Columns& old) {
  Columns out{"全国地方公共団体コード", "ID", "地方公共団体名"};
  for (const auto& column : old) {
    if (column == "都道府県コード又は市区町村コード" || column == "NO" || column == "都道府県名" ||
        column == "市区町村名" || column == "方書") {
      continue;
    }
    if (column == "住所") {
      out.insert(out.end(), AddressBlock().begin(), AddressBlock().end());
    } else {
      out.push_back(column);
    }
  }
  return out;
}

}  // namespace

std::optional<StandardColumns> FindStandardColumns(std::string_view dataset,
                                                   ExportGeneration generation) {
  auto old = OldHeaders().find(dataset);
  if (old == OldHeaders().end()) return std::nullopt;
  StandardColumns out;
  out.flags = dataset == "evacuation_space" ? FlagWords{"1", ""} : FlagWords{"有", "無"};
  if (generation == ExportGeneration::kOld) {
    out.header = old->second;
  } else if (auto known = KnownNewHeaders().find(dataset); known != KnownNewHeaders().end()) {
    out.header = known->second;
  } else {
    out.header = DeriveNewHeader(old->second);
  }
  return out;
}

std::optional<ExportGeneration> ParseExportGeneration(std::string_view text) {
  if (text == "new") return ExportGeneration::kNew;
  if (text == "old") return ExportGeneration::kOld;
  return std::nullopt;
}

}  // namespace renkei::opendata
