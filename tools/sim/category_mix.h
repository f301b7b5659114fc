// The simulated day's category mix, most frequent first: the street-scene
// problems that grid managers and citizens report most (cf. the seed's
// Puyuan figures), with what a reporter would write. gridcase-sim's plan
// draws from it; tools/loadgen reports its ten most frequent.
#ifndef GRIDCASE_TOOLS_SIM_CATEGORY_MIX_H_
#define GRIDCASE_TOOLS_SIM_CATEGORY_MIX_H_

#include <vector>

namespace gridcase::sim {

struct CategoryMixEntry {
  const char* code;                // a category code of the sample catalogue
  double weight;                   // relative frequency
  std::vector<const char*> texts;  // descriptions a reporter would write
};

const std::vector<CategoryMixEntry>& CategoryMix();

}  // namespace gridcase::sim

#endif  // GRIDCASE_TOOLS_SIM_CATEGORY_MIX_H_
