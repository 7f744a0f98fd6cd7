#include "opendata/standard_datasets.hpp"

#include <algorithm>

namespace renkei::opendata {
namespace {

using Names = std::vector<std::string>;

ColumnRule Text(Names columns, std::string attribute) {
  return ColumnRule{
      std::move(columns), std::move(attribute), ValueKind::kText, {}, {}, {}, {}, false};
}
ColumnRule Number(Names columns, std::string attribute) {
  return ColumnRule{
      std::move(columns), std::move(attribute), ValueKind::kNumber, {}, {}, {}, {}, false};
}
ColumnRule Flag(Names columns, std::string attribute) {
  return ColumnRule{
      std::move(columns), std::move(attribute), ValueKind::kFlag, {}, {}, {}, {}, false};
}
ColumnRule FlagInList(std::string column, std::string attribute, std::string value) {
  return ColumnRule{{std::move(column)},
                    std::move(attribute),
                    ValueKind::kFlag,
                    {},
                    {},
                    std::move(value),
                    {},
                    false};
}
ColumnRule Date(Names columns, std::string attribute, std::string original) {
  return ColumnRule{std::move(columns),
                    std::move(attribute),
                    ValueKind::kDate,
                    {},
                    {},
                    {},
                    std::move(original),
                    false};
}
ColumnRule Time(Names columns, std::string attribute, std::string original) {
  return ColumnRule{std::move(columns),
                    std::move(attribute),
                    ValueKind::kTime,
                    {},
                    {},
                    {},
                    std::move(original),
                    false};
}

// Marks the rules producing `attributes` as 必須 (municipal-context.md §3.1, "Required (必須)
// columns per [NECSDM] model.yaml"). The id (ID/NO) and municipality code columns are not
// rules: a row without them is rejected by the import, so every stored record has them.
void Require(DatasetLayout& layout, std::initializer_list<std::string_view> attributes) {
  for (auto& rule : layout.columns) {
    if (std::find(attributes.begin(), attributes.end(), rule.attribute) != attributes.end()) {
      rule.required = true;
    }
  }
}

// Columns shared by the facility-like datasets in both generations (municipal-context.md
// §3.1: the old one-line 住所 + 方書, the new split address with 所在地_連結表記).
void AddCommon(DatasetLayout& layout) {
  layout.municipality_code_columns = {"全国地方公共団体コード", "都道府県コード又は市区町村コード",
                                      "市区町村コード"};
  layout.id_columns = {{"ID", "NO"}};
  layout.latitude_columns = {"緯度"};
  layout.longitude_columns = {"経度"};
  auto& c = layout.columns;
  c.push_back(Text({"地方公共団体名", "市区町村名"}, "municipality"));
  c.push_back(Text({"名称"}, "name"));
  c.push_back(Text({"名称_カナ"}, "nameKana"));
  c.push_back(Text({"名称_英語", "名称_英字"}, "nameEn"));
  c.push_back(Text({"都道府県名"}, "prefecture"));
  c.push_back(Text({"所在地_連結表記", "住所"}, "address"));
  c.push_back(Text({"建物名等(方書)", "方書"}, "buildingName"));
  c.push_back(Text({"町字ID"}, "townId"));
  // The new generation's split address; kept so that an export gives the file back.
  c.push_back(Text({"所在地_全国地方公共団体コード"}, "addressMunicipalityCode"));
  c.push_back(Text({"所在地_都道府県"}, "addressRegion"));
  c.push_back(Text({"所在地_市区町村"}, "addressLocality"));
  c.push_back(Text({"所在地_町字"}, "addressTown"));
  c.push_back(Text({"所在地_番地以下"}, "addressBlock"));
  c.push_back(Text({"郵便番号"}, "postalCode"));
  c.push_back(Text({"電話番号"}, "telephone"));
  c.push_back(Text({"内線番号"}, "telephoneExtension"));
  c.push_back(Text({"連絡先メールアドレス"}, "email"));
  c.push_back(Text({"連絡先FormURL"}, "contactFormUrl"));
  c.push_back(Text({"連絡先備考(その他、SNSなど)"}, "contactRemarks"));
  c.push_back(Text({"連絡先内線番号"}, "contactTelephoneExtension"));
  c.push_back(Text({"高度の種別"}, "elevationType"));
  c.push_back(Number({"標高", "高度の値"}, "elevation"));
  c.push_back(Text({"URL"}, "url"));
  c.push_back(Text({"画像"}, "image"));
  c.push_back(Text({"画像_ライセンス"}, "imageLicense"));
  c.push_back(Text({"備考"}, "remarks"));
  // The publisher's own last-update date where a file has one (GIF 468 信憑性/最新性); the
  // data quality report's freshness prefers it to the platform's dateModified.
  c.push_back(Date({"最終更新日", "更新日"}, "sourceDateModified", "sourceDateModifiedText"));
}

// Opening hours as 開始時間/終了時間 (AED, 公共施設, 観光施設) or 利用開始時間/利用終了時間
// (公衆トイレ).
void AddOpeningHours(DatasetLayout& layout) {
  auto& c = layout.columns;
  c.push_back(Text({"利用可能曜日"}, "availableDays"));
  c.push_back(Time({"利用開始時間", "開始時間"}, "opens", "opensText"));
  c.push_back(Time({"利用終了時間", "終了時間"}, "closes", "closesText"));
  c.push_back(Text({"利用可能時間特記事項", "利用可能日時特記事項"}, "openingHoursDescription"));
}

DatasetLayout EvacuationSpace() {
  DatasetLayout l;
  l.name = "evacuation_space";
  l.title = "指定緊急避難場所一覧";
  // The type the demo data already uses (demo/README.md); no Smart Data Model exists.
  l.entity_type = "EvacuationSite";
  l.signature = {"災害種別_洪水", "指定避難所との重複"};
  AddCommon(l);
  auto& c = l.columns;
  // One list of hazards instead of eight flag columns, so that Wakayama's packed 災害区分
  // cell (wakayama-evacuation.toml) maps onto the same attribute.
  for (const char* hazard : {"洪水", "崖崩れ、土石流及び地滑り", "高潮", "地震", "津波",
                             "大規模な火事", "内水氾濫", "火山現象"}) {
    c.push_back(FlagInList(std::string("災害種別_") + hazard, "hazards", hazard));
  }
  c.push_back(Flag({"指定避難所との重複"}, "isShelter"));
  c.push_back(Number({"想定収容人数"}, "capacity"));
  c.push_back(Text({"対象となる町会・自治会"}, "servedArea"));
  c.push_back(Text({"市区町村コード(設置主体)"}, "ownerMunicipalityCode"));
  c.push_back(Text({"地方公共団体名(設置主体)"}, "ownerMunicipality"));
  // 指定避難所との重複 is 必須 too, but its values are `1` or empty (empty = "no"), so an empty
  // cell is a value, not a gap; the 災害種別_* flags are required as a whole: a site
  // designated for no hazard at all is incomplete.
  Require(l, {"name", "nameKana", "address", "telephone", "hazards"});
  return l;
}

DatasetLayout PublicToilet() {
  DatasetLayout l;
  l.name = "public_toilet";
  l.title = "公衆トイレ一覧";
  l.entity_type = "PublicToilet";
  l.signature = {"男性トイレ総数", "女性トイレ総数"};
  AddCommon(l);
  auto& c = l.columns;
  c.push_back(Text({"設置位置"}, "installationPosition"));
  c.push_back(Number({"男性トイレ総数"}, "maleToilets"));
  c.push_back(Number({"男性トイレ数（小便器）"}, "maleUrinals"));
  c.push_back(Number({"男性トイレ数（和式）"}, "maleJapaneseStyle"));
  c.push_back(Number({"男性トイレ数（洋式）"}, "maleWesternStyle"));
  c.push_back(Number({"女性トイレ総数"}, "femaleToilets"));
  c.push_back(Number({"女性トイレ数（和式）"}, "femaleJapaneseStyle"));
  c.push_back(Number({"女性トイレ数（洋式）"}, "femaleWesternStyle"));
  c.push_back(Number({"男女共用トイレ総数"}, "unisexToilets"));
  c.push_back(Number({"男女共用トイレ数（和式）"}, "unisexJapaneseStyle"));
  c.push_back(Number({"男女共用トイレ数（洋式）"}, "unisexWesternStyle"));
  // The new format renamed 多機能トイレ数 to バリアフリートイレ数 (municipal-context.md §3.1).
  c.push_back(Number({"バリアフリートイレ数", "多機能トイレ数"}, "barrierFreeToilets"));
  c.push_back(Flag({"車椅子使用者用トイレ有無"}, "wheelchairAccessible"));
  c.push_back(Flag({"乳幼児用設備設置トイレ有無"}, "babyFacilities"));
  c.push_back(Flag({"オストメイト設置トイレ有無"}, "ostomateFacilities"));
  AddOpeningHours(l);
  Require(l, {"name", "nameKana", "address", "installationPosition", "barrierFreeToilets",
              "wheelchairAccessible", "babyFacilities", "ostomateFacilities"});
  return l;
}

DatasetLayout Aed() {
  DatasetLayout l;
  l.name = "aed";
  l.title = "AED設置箇所一覧";
  l.entity_type = "AED";
  l.signature = {"小児対応設備の有無"};
  AddCommon(l);
  auto& c = l.columns;
  // Attribute names as 高松市 publishes its AED list (municipal-context.md §3.4).
  c.push_back(Text({"設置位置"}, "installationPosition"));
  c.push_back(Text({"法人番号"}, "corporateNumber"));
  c.push_back(Text({"団体名"}, "operator"));
  c.push_back(Flag({"小児対応設備の有無"}, "equipmentForChildren"));
  AddOpeningHours(l);
  Require(l, {"name", "nameKana", "address", "installationPosition"});
  return l;
}

DatasetLayout PublicFacility() {
  DatasetLayout l;
  l.name = "public_facility";
  l.title = "公共施設一覧";
  l.entity_type = "PublicFacility";
  l.signature = {"POIコード", "団体名"};
  AddCommon(l);
  auto& c = l.columns;
  c.push_back(Text({"名称_通称"}, "alternateName"));
  c.push_back(Text({"POIコード"}, "poiCode"));
  c.push_back(Text({"法人番号"}, "corporateNumber"));
  c.push_back(Text({"団体名"}, "operator"));
  c.push_back(Text({"説明"}, "description"));
  c.push_back(Text({"バリアフリー情報"}, "accessibility"));
  AddOpeningHours(l);
  Require(l, {"name", "nameKana", "address"});
  return l;
}

DatasetLayout Tourism() {
  DatasetLayout l;
  l.name = "tourism";
  l.title = "観光施設一覧";
  l.entity_type = "TouristAttraction";
  l.signature = {"POIコード", "料金(基本)"};
  AddCommon(l);
  auto& c = l.columns;
  c.push_back(Text({"POIコード"}, "poiCode"));
  c.push_back(Text({"料金(基本)"}, "price"));
  c.push_back(Text({"料金(詳細)"}, "priceDescription"));
  c.push_back(Text({"説明"}, "description"));
  c.push_back(Text({"説明_英語"}, "descriptionEn"));
  c.push_back(Text({"アクセス方法"}, "access"));
  c.push_back(Text({"駐車場情報"}, "parking"));
  c.push_back(Text({"バリアフリー情報"}, "accessibility"));
  c.push_back(Text({"連絡先名称"}, "contactName"));
  c.push_back(Text({"連絡先電話番号"}, "telephone"));
  AddOpeningHours(l);
  Require(l, {"name", "nameKana", "address", "description"});
  return l;
}

DatasetLayout Event() {
  DatasetLayout l;
  l.name = "event";
  l.title = "イベント一覧";
  l.entity_type = "Event";
  l.signature = {"イベント名", "開始日"};
  AddCommon(l);
  auto& c = l.columns;
  c.push_back(Text({"イベント名"}, "name"));
  c.push_back(Text({"イベント名_カナ"}, "nameKana"));
  c.push_back(Text({"イベント名_英語", "イベント名_英字"}, "nameEn"));
  c.push_back(Date({"開始日"}, "startDate", "startDateText"));
  c.push_back(Date({"終了日"}, "endDate", "endDateText"));
  c.push_back(Time({"開始時間"}, "startTime", "startTimeText"));
  c.push_back(Time({"終了時間"}, "endTime", "endTimeText"));
  c.push_back(Text({"開始日時特記事項"}, "dateDescription"));
  c.push_back(Text({"説明"}, "description"));
  c.push_back(Text({"料金(基本)"}, "price"));
  c.push_back(Text({"料金(詳細)"}, "priceDescription"));
  c.push_back(Text({"連絡先名称"}, "contactName"));
  c.push_back(Text({"連絡先電話番号"}, "telephone"));
  c.push_back(Text({"主催者"}, "organizer"));
  c.push_back(Text({"場所名称"}, "locationName"));
  c.push_back(Text({"アクセス方法"}, "access"));
  c.push_back(Text({"駐車場情報"}, "parking"));
  c.push_back(Number({"定員"}, "capacity"));
  c.push_back(Date({"参加申込終了日"}, "applicationEndDate", "applicationEndDateText"));
  c.push_back(Time({"参加申込終了時間"}, "applicationEndTime", "applicationEndTimeText"));
  c.push_back(Text({"参加申込方法"}, "applicationMethod"));
  Require(l, {"name", "nameKana", "startDate", "endDate", "startTime", "endTime", "description",
              "locationName", "address"});
  l.update_cycle_days = 30;
  return l;
}

DatasetLayout CulturalProperty() {
  DatasetLayout l;
  l.name = "cultural_property";
  l.title = "文化財一覧";
  l.entity_type = "CulturalProperty";
  l.signature = {"文化財分類"};
  AddCommon(l);
  auto& c = l.columns;
  c.push_back(Text({"名称_通称"}, "alternateName"));
  c.push_back(Text({"文化財分類"}, "category"));
  c.push_back(Text({"種類"}, "kind"));
  c.push_back(Text({"場所名称"}, "locationName"));
  c.push_back(Number({"員数（数）"}, "quantity"));
  c.push_back(Text({"員数（単位）"}, "quantityUnit"));
  c.push_back(Text({"法人番号"}, "corporateNumber"));
  c.push_back(Text({"所有者等"}, "owner"));
  c.push_back(Date({"文化財指定日"}, "designationDate", "designationDateText"));
  c.push_back(Text({"概要"}, "summary"));
  c.push_back(Text({"概要_英語"}, "summaryEn"));
  c.push_back(Text({"説明"}, "description"));
  c.push_back(Text({"説明_英語"}, "descriptionEn"));
  AddOpeningHours(l);
  Require(l, {"name", "nameKana", "category"});
  return l;
}

DatasetLayout MedicalInstitution() {
  DatasetLayout l;
  l.name = "medical_institution";
  l.title = "医療機関一覧";
  l.entity_type = "MedicalInstitution";
  l.signature = {"医療機関の種類"};
  AddCommon(l);
  auto& c = l.columns;
  c.push_back(Text({"医療機関の種類"}, "category"));
  c.push_back(Text({"FAX番号"}, "faxNumber"));
  c.push_back(Text({"法人番号"}, "corporateNumber"));
  c.push_back(Text({"法人の名称"}, "operator"));
  c.push_back(Text({"医療機関コード"}, "medicalInstitutionCode"));
  c.push_back(Text({"診療曜日"}, "availableDays"));
  c.push_back(Time({"診療開始時間"}, "opens", "opensText"));
  c.push_back(Time({"診療終了時間"}, "closes", "closesText"));
  c.push_back(Text({"診療日時特記事項"}, "openingHoursDescription"));
  c.push_back(Text({"時間外における対応"}, "afterHoursService"));
  c.push_back(Text({"診療科目"}, "medicalSpecialties"));
  c.push_back(Number({"病床数"}, "beds"));
  Require(l, {"name", "nameKana", "category", "address", "availableDays", "opens", "closes",
              "medicalSpecialties", "beds", "url"});
  l.update_cycle_days = 180;
  return l;
}

DatasetLayout ChildCareFacility() {
  DatasetLayout l;
  l.name = "child_care_facility";
  l.title = "子育て施設一覧";
  l.entity_type = "ChildCareFacility";
  l.signature = {"受入年齢", "収容定員"};
  AddCommon(l);
  auto& c = l.columns;
  c.push_back(Text({"種別"}, "category"));
  c.push_back(Text({"アクセス方法"}, "access"));
  c.push_back(Text({"駐車場情報"}, "parking"));
  c.push_back(Text({"FAX番号"}, "faxNumber"));
  c.push_back(Text({"法人番号"}, "corporateNumber"));
  c.push_back(Text({"団体名"}, "operator"));
  c.push_back(Date({"認可等年月日"}, "approvalDate", "approvalDateText"));
  c.push_back(Number({"収容定員"}, "capacity"));
  c.push_back(Text({"受入年齢"}, "acceptedAges"));
  c.push_back(Flag({"一時預かりの有無"}, "temporaryChildcare"));
  AddOpeningHours(l);
  Require(l, {"name", "nameKana", "address"});
  l.update_cycle_days = 180;
  return l;
}

DatasetLayout CareService() {
  DatasetLayout l;
  l.name = "care_service";
  l.title = "介護サービス事業所一覧";
  l.entity_type = "CareServiceOffice";
  l.signature = {"介護サービス事業所名称"};
  AddCommon(l);
  auto& c = l.columns;
  c.push_back(Text({"介護サービス事業所名称"}, "name"));
  c.push_back(Text({"介護サービス事業所名称_カナ"}, "nameKana"));
  c.push_back(Text({"実施サービス"}, "services"));
  c.push_back(Text({"FAX番号"}, "faxNumber"));
  c.push_back(Text({"法人番号"}, "corporateNumber"));
  c.push_back(Text({"法人の名称"}, "operator"));
  c.push_back(Text({"事業所番号"}, "officeNumber"));
  c.push_back(Text({"利用可能曜日"}, "availableDays"));
  c.push_back(Text({"利用可能曜日特記事項"}, "openingHoursDescription"));
  c.push_back(Number({"定員"}, "capacity"));
  Require(l, {"name", "nameKana", "services", "address", "telephone"});
  l.update_cycle_days = 180;
  return l;
}

DatasetLayout WifiAccessPoint() {
  DatasetLayout l;
  l.name = "wifi_access_point";
  l.title = "公衆無線LANアクセスポイント一覧";
  l.entity_type = "WiFiAccessPoint";
  l.signature = {"SSID"};
  AddCommon(l);
  auto& c = l.columns;
  c.push_back(Text({"設置者"}, "operator"));
  c.push_back(Text({"SSID"}, "ssid"));
  c.push_back(Text({"提供エリア"}, "coverageArea"));
  Require(l, {"name", "nameKana", "address"});
  return l;
}

DatasetLayout FireWaterSupply() {
  DatasetLayout l;
  l.name = "fire_water_supply";
  l.title = "消防水利施設一覧";
  l.entity_type = "FireWaterSupply";
  l.signature = {"種別", "口径"};
  AddCommon(l);
  auto& c = l.columns;
  c.push_back(Text({"種別"}, "category"));  // 消火栓 / 防火水槽
  c.push_back(Number({"口径"}, "diameter"));
  Require(l, {"category"});
  return l;
}

bool Contains(const std::vector<std::string>& header, std::string_view name) {
  return std::find(header.begin(), header.end(), name) != header.end();
}

}  // namespace

const std::vector<DatasetLayout>& StandardDatasets() {
  // Built once on first use and never changed afterwards (a constant, not mutable state).
  static const std::vector<DatasetLayout> kLayouts{EvacuationSpace(),
                                                   PublicToilet(),
                                                   Aed(),
                                                   PublicFacility(),
                                                   Tourism(),
                                                   Event(),
                                                   CulturalProperty(),
                                                   MedicalInstitution(),
                                                   ChildCareFacility(),
                                                   CareService(),
                                                   WifiAccessPoint(),
                                                   FireWaterSupply()};
  return kLayouts;
}

std::optional<DatasetLayout> FindStandardDataset(std::string_view name) {
  for (const auto& layout : StandardDatasets()) {
    if (layout.name == name) return layout;
  }
  return std::nullopt;
}

HeaderGeneration DetectGeneration(const std::vector<std::string>& header) {
  if (header.size() >= 2 && header[0] == "全国地方公共団体コード" && header[1] == "ID") {
    return HeaderGeneration::kNew;
  }
  if ((!header.empty() && header[0] == "都道府県コード又は市区町村コード") ||
      (!header.empty() && header[0] == "NO" && Contains(header, "市区町村コード"))) {
    return HeaderGeneration::kOld;
  }
  return HeaderGeneration::kOther;
}

std::string_view GenerationName(HeaderGeneration generation) {
  switch (generation) {
    case HeaderGeneration::kOld:
      return "推奨データセット (old header)";
    case HeaderGeneration::kNew:
      return "自治体標準オープンデータセット (new header)";
    case HeaderGeneration::kOther:
      return "non-standard header";
  }
  return "?";
}

std::optional<RecognizedDataset> RecognizeDataset(const std::vector<std::string>& header) {
  for (const auto& layout : StandardDatasets()) {
    const bool all =
        std::all_of(layout.signature.begin(), layout.signature.end(),
                    [&](const std::string& column) { return Contains(header, column); });
    if (all) return RecognizedDataset{layout, DetectGeneration(header)};
  }
  return std::nullopt;
}

}  // namespace renkei::opendata
