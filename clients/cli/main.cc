// loket: the command-line thin client of loketd (dispatch.h).
#include "clients/cli/dispatch.h"

int main(int argc, char** argv) { return loket::cli::Run(argc, argv); }
