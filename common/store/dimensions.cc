#include "common/store/dimensions.h"

#include "absl/time/civil_time.h"
#include "common/clock/timestamp.h"

namespace gridcase::store {

v1::CaseDimensions DimensionsOf(const v1::Case& c, const absl::TimeZone& zone) {
  v1::CaseDimensions d;
  d.set_grid_code(c.grid_code());
  d.set_community_code(c.community_code());
  d.set_town_code(c.town_code());
  d.set_city_code(c.city_code());
  d.set_category_code(c.category_code());
  d.set_category_major_code(c.category_major_code());
  d.set_source(c.source());
  d.set_department_id(c.department_id());
  d.set_reporter_id(c.reporter().id());
  d.set_reporter_kind(c.reporter().kind());
  d.set_reporter_anonymous(c.reporter().anonymous());
  d.set_report_date(absl::FormatCivilTime(
      absl::ToCivilDay(FromTimestamp(c.reported_at()), zone)));
  return d;
}

}  // namespace gridcase::store
