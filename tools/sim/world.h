// What the simulation knows of the city, read from the registry's public API:
// towns, grids with their centres and grid managers, departments with their
// staff, the centre's people, and the enabled categories with their
// required attributes.
#ifndef GRIDCASE_TOOLS_SIM_WORLD_H_
#define GRIDCASE_TOOLS_SIM_WORLD_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::sim {

struct Town {
  std::string code;
  std::string name;
};

struct Grid {
  std::string code;
  std::string town;  // town code
  double lat = 0;
  double lng = 0;
  std::string manager;  // member id of its grid manager; empty if none
};

struct Category {
  std::string code;
  std::string name;
  std::map<std::string, std::string> required;  // attribute code -> a value
};

struct World {
  std::vector<Town> towns;
  std::vector<Grid> grids;
  std::map<std::string, Category> categories;      // enabled, by code
  std::map<std::string, std::string> departments;  // id -> name
  std::map<std::string, v1::Actor> staff;          // department id -> one
  std::map<std::string, v1::Actor> grid_managers;  // member id -> actor
  v1::Actor dispatcher;
  v1::Actor duty_chief;

  // The actor that verifies in `grid`: its grid manager, else the duty chief.
  const v1::Actor& Inspector(const Grid& grid) const;
  const Grid* FindGrid(const std::string& code) const;
};

// Reads the identity of every call from the environment: tokens minted with
// $GRIDCASE_SIGNING_KEY (tools/run-local's var/run/env), else the
// insecure-dev header (auth::ClientIdentity::FromEnvironment).
absl::Status UseIdentityFromEnvironment();

// A call context as `as`, with a deadline `timeout` from now.
std::unique_ptr<grpc::ClientContext> CallAs(const v1::Actor& as,
                                            absl::Duration timeout);

// Reads the world from the registry at `channel`, calling as `caller`.
// FAILED_PRECONDITION names what is missing (no towns, no dispatcher, ...).
absl::StatusOr<World> LoadWorld(const std::shared_ptr<grpc::Channel>& channel,
                                const v1::Actor& caller);

}  // namespace gridcase::sim

#endif  // GRIDCASE_TOOLS_SIM_WORLD_H_
