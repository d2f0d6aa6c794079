#pragma once

namespace adclick::app {

class Args;

// One function per subcommand; each returns the process exit code. JSON goes to stdout,
// errors to stderr.
int cmdIngest(Args& args);
int cmdStats(Args& args);
int cmdCount(Args& args);
int cmdPopular(Args& args);
int cmdExport(Args& args);
int cmdFilter(Args& args);
int cmdRecompute(Args& args);
int cmdGen(Args& args);
int cmdBroker(Args& args);
int cmdProduce(Args& args);
int cmdSniff(Args& args);
int cmdAggregate(Args& args);
int cmdServe(Args& args);

} // namespace adclick::app
