/*
 * nc_version.h - the one source of the tool's version string (`neurocosim --version`).
 * The build may pass -DNC_VERSION='"x.y.z"' and -DNC_GIT_DESCRIBE='"<git describe output>"';
 * without them the version is the default below and no git description is shown.
 */
#ifndef NC_VERSION_H
#define NC_VERSION_H

#ifndef NC_VERSION
#define NC_VERSION "0.2.0-dev"
#endif

#ifndef NC_GIT_DESCRIBE
#define NC_GIT_DESCRIBE "" /* empty: not built from a git checkout (or not passed) */
#endif

#endif
