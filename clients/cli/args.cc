#include "clients/cli/args.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/command.h"

namespace loket::cli {

bool Args::Has(absl::string_view name) const { return flags_.find(name) != flags_.end(); }

std::string Args::Get(absl::string_view name, absl::string_view fallback) const {
  auto it = flags_.find(name);
  return it == flags_.end() ? std::string(fallback) : it->second;
}

namespace {

constexpr absl::string_view kDescription =
    "loket: the command-line client of Loket, the DPMPTSP back office.";

// The flags every command accepts, anywhere on the line. An empty value name: a boolean flag.
struct GlobalFlag {
  const char* name;
  const char* value;
  const char* help;
};
constexpr GlobalFlag kGlobalFlags[] = {
    {"addr", "HOST:PORT", "server (default $LOKET_ADDR, else 127.0.0.1:7400)"},
    {"token", "T", "bearer token (default $LOKET_TOKEN)"},
    {"json", "", "print the reply as JSON (proto field names)"},
    {"get", "PATH",
     "print one field of the reply, e.g. --get id, --get stops.0.id (for scripts: "
     "CASE=$(loket --get id clinic submit ...))"},
    {"terminal", "NAME", "desk or device recorded in the case history (default: host name)"},
    {"timeout", "SECONDS", "deadline per call (default 10)"},
    {"tls-ca", "FILE", "use TLS, trusting this root CA (plaintext otherwise)"},
    {"tls-cert", "FILE", "client certificate for mutual TLS (with --tls-key)"},
    {"tls-key", "FILE", "its private key"},
};

std::vector<std::string> Words(absl::string_view s) {
  return absl::StrSplit(s, ' ', absl::SkipEmpty());
}

bool StartsWithWords(const std::vector<std::string>& words,
                     const std::vector<std::string>& prefix) {
  if (prefix.size() > words.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (words[i] != prefix[i]) return false;
  }
  return true;
}

// The command tree: one CLI11 subcommand per command word. A node is a command (it has a
// Command), a group of commands, or both ("admin office" and "admin office set").
class Tree {
 public:
  const Command* CommandOf(const CLI::App* app) const {
    auto it = commands_.find(app);
    return it == commands_.end() ? nullptr : it->second;
  }
  // "office appointments" for that node; "" for the root.
  std::string PathOf(const CLI::App* app) const {
    std::vector<std::string> words;
    for (; app != nullptr && app->get_parent() != nullptr; app = app->get_parent()) {
      words.insert(words.begin(), app->get_name());
    }
    return absl::StrJoin(words, " ");
  }
  // The commands at or below the node named by `path` (all for "").
  std::vector<const Command*> CommandsUnder(absl::string_view path) const {
    std::vector<const Command*> out;
    const std::vector<std::string> prefix = Words(path);
    for (const Command& c : *table_) {
      if (StartsWithWords(Words(c.name), prefix)) out.push_back(&c);
    }
    return out;
  }

  void set_table(const std::vector<Command>* table) { table_ = table; }
  void Attach(const CLI::App* app, const Command* command) { commands_[app] = command; }

 private:
  const std::vector<Command>* table_ = nullptr;
  std::map<const CLI::App*, const Command*> commands_;
};

// Help made from the tree: a command's own usage string and its options as CLI11 lists them; a
// group's (and the root's) help lists every command under it with its usage and what it does.
class HelpFormatter : public CLI::Formatter {
 public:
  explicit HelpFormatter(const Tree* tree) : tree_(tree) {
    column_width(24);
    label("Positionals", "Arguments");
  }

  std::string make_description(const CLI::App* app) const override {
    if (app->get_parent() == nullptr) return absl::StrCat(kDescription, "\n\n");
    const Command* c = tree_->CommandOf(app);
    return c == nullptr ? "" : absl::StrCat(c->help, "\n\n");
  }

  std::string make_usage(const CLI::App* app, std::string /*name*/) const override {
    const std::string path = tree_->PathOf(app);
    if (const Command* c = tree_->CommandOf(app)) {
      return absl::StrCat("usage: loket ", c->name, c->usage.empty() ? "" : " ", c->usage, "\n");
    }
    if (path.empty()) return "usage: loket [global flags] COMMAND [arguments]\n";
    return absl::StrCat("usage: loket ", path, " COMMAND [arguments]\n");
  }

  std::string make_subcommands(const CLI::App* app, CLI::AppFormatMode /*mode*/) const override {
    const Command* self = tree_->CommandOf(app);
    std::string out;
    for (const Command* c : tree_->CommandsUnder(tree_->PathOf(app))) {
      if (c == self) continue;
      absl::StrAppend(&out, "  ", c->name, c->usage.empty() ? "" : " ", c->usage, "\n      ",
                      c->help, "\n");
    }
    return out.empty() ? "" : absl::StrCat("\nCommands:\n", out);
  }

  std::string make_footer(const CLI::App* app) const override {
    if (app->get_parent() == nullptr) {
      return "Global flags go anywhere on the line (--flag value or --flag=value). "
             "`loket help COMMAND...` or\n`loket COMMAND... --help`: that group's commands, "
             "or one command's arguments.\n";
    }
    return "Global flags (--addr, --token, --json, --get PATH, --terminal, --timeout, --tls-*) "
           "go anywhere\non the line; `loket --help` lists them.\n";
  }

 private:
  const Tree* tree_;
};

// Where an error belongs: the last command word the parser reached.
CLI::App* Deepest(CLI::App* app) {
  while (!app->get_subcommands().empty()) app = app->get_subcommands().front();
  return app;
}

// The help of one node of the tree (CLI11's App::help would show the parsed `help` instead).
std::string Help(const CLI::App& root, const CLI::App* node) {
  return root.get_formatter()->make_help(node, node->get_name(), CLI::AppFormatMode::Normal);
}

int UsageProblem(const Command& c, absl::string_view problem, std::ostream& err) {
  err << "loket: " << c.name << ": " << problem << "\n"
      << "usage: loket " << c.name << (c.usage.empty() ? "" : " ") << c.usage << "\n";
  return kExitUsage;
}

// A wrong or missing command word under the group at `path`: one line saying so and the words
// that would fit.
int UnknownCommand(const Tree& tree, const CLI::App* group, const std::string& word,
                   std::ostream& err) {
  const std::string path = tree.PathOf(group);
  const size_t depth = Words(path).size();
  std::vector<std::string> next;
  for (const Command* c : tree.CommandsUnder(path)) {
    std::vector<std::string> words = Words(c->name);
    if (words.size() <= depth) continue;
    if (next.empty() || next.back() != words[depth]) next.push_back(words[depth]);
  }
  const std::string prefix = path.empty() ? "" : path + " ";
  if (word.empty()) {
    err << "loket: " << (prefix.empty() ? "missing command" : prefix + "needs a command") << "\n";
  } else {
    err << "loket: unknown command '" << prefix << word << "'\n";
  }
  err << "usage: loket " << prefix << "<" << absl::StrJoin(next, "|") << "> ...  (loket " << prefix
      << "--help)\n";
  return kExitUsage;
}

// The flag's value as given last. A boolean flag takes none, or "true" / "false" after "=".
bool FlagValue(const CLI::Option& opt, bool boolean, std::string* value, std::string* problem) {
  *value = opt.results().empty() ? "" : opt.results().back();
  if (!boolean) return true;
  if (*value == "true" || value->empty()) {
    *value = "true";
    return true;
  }
  if (*value == "false") return false;
  *problem = absl::StrCat(opt.get_name(), " takes no value (or =true / =false)");
  return false;
}

// "--note" of "--note=x"; "" for a word that is not a flag.
std::string FlagName(const std::string& arg) {
  if (arg.size() < 2 || arg[0] != '-') return "";
  return arg.substr(0, arg.find('='));
}

}  // namespace

CommandLine ParseCommandLine(const std::vector<Command>& table,
                             const std::vector<std::string>& argv, std::ostream& out,
                             std::ostream& err) {
  CommandLine line;
  line.exit_code = kExitUsage;
  Tree tree;
  tree.set_table(&table);

  CLI::App app{std::string(kDescription), "loket"};
  // Set before any subcommand exists: subcommands copy these from their parent.
  app.formatter(std::make_shared<HelpFormatter>(&tree));
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)->group("Flags");
  app.fallthrough();           // a global flag after the command words goes up to the root
  app.require_subcommand(-1);  // at most one per level: an argument is never a command word
  app.set_help_flag("-h,--help", "this text; after command words, their help")
      ->group("Global flags");
  for (const GlobalFlag& g : kGlobalFlags) {
    const std::string name = absl::StrCat("--", g.name);
    const std::string description = g.help;  // CLI11 takes a const description by reference
    if (*g.value == '\0') {
      app.add_flag(name, description)->group("Global flags");
    } else {
      app.add_option(name, description)->type_name(g.value)->group("Global flags");
    }
  }
  std::vector<std::string> help_words;
  CLI::App* help = app.add_subcommand("help", "help for a group of commands or one command");
  help->add_option("COMMAND", help_words, "command words, e.g. office approve");

  // One subcommand per command word, and each command's arguments from its usage string.
  std::map<std::string, CLI::App*> nodes = {{"", &app}};
  std::map<const CLI::App*, ArgSpec> specs;
  for (const Command& c : table) {
    CLI::App* node = &app;
    std::string path;
    for (const std::string& word : Words(c.name)) {
      path = path.empty() ? word : absl::StrCat(path, " ", word);
      auto [it, added] = nodes.emplace(path, nullptr);
      if (added) {
        it->second = node->add_subcommand(word, "");
        it->second->get_help_ptr()->group("Flags");  // made before the defaults are copied
      }
      node = it->second;
    }
    node->description(c.help);
    tree.Attach(node, &c);
    ArgSpec spec = ParseUsage(c.usage);
    for (const std::string& p : spec.positionals) node->add_option(p)->type_name("");
    auto add = [&](const std::string& f, const char* what) {
      const std::string name = absl::StrCat("--", f);
      const std::string description = what;  // CLI11 takes a const description by reference
      if (std::find(spec.boolean_flags.begin(), spec.boolean_flags.end(), f) !=
          spec.boolean_flags.end()) {
        node->add_flag(name, description);
      } else {
        node->add_option(name, description)->type_name(spec.value_names[f]);
      }
    };
    for (const std::string& f : spec.required_flags) add(f, "required");
    for (const std::string& f : spec.optional_flags) add(f, "");
    specs[node] = std::move(spec);
  }

  // CLI11 wants the words last first. "--x=" gives --x an empty value, as "--x ''" does (CLI11
  // alone would take the next word as its value).
  std::vector<std::string> reversed;
  bool flags_ended = false;
  for (const std::string& arg : argv) {
    flags_ended = flags_ended || arg == "--";
    if (!flags_ended && arg.size() > 3 && arg.starts_with("--") && arg.ends_with("=") &&
        arg.find('=') == arg.size() - 1) {
      reversed.push_back(arg.substr(0, arg.size() - 1));
      reversed.push_back("");
    } else {
      reversed.push_back(arg);
    }
  }
  std::reverse(reversed.begin(), reversed.end());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << Help(app, Deepest(&app));
    line.exit_code = kExitOk;
    return line;
  } catch (const CLI::ParseError& e) {
    CLI::App* at = Deepest(&app);
    const Command* command = tree.CommandOf(at);
    std::vector<std::string> extras = app.remaining(true);
    std::erase(extras, "--");  // the end of the flags is no extra
    std::string problem = e.what();
    if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr && !extras.empty()) {
      // The first word nobody took: an unknown flag, a wrong command word, or one argument
      // too many.
      if (std::string flag = FlagName(extras.front()); !flag.empty()) {
        problem = absl::StrCat("unknown flag ", flag);
      } else if (command == nullptr) {
        line.exit_code = UnknownCommand(tree, at, extras.front(), err);
        return line;
      } else {
        problem = absl::StrCat("unexpected argument '", extras.front(), "'");
      }
    } else if (const auto* m = dynamic_cast<const CLI::ArgumentMismatch*>(&e)) {
      // "--note: 1 required TEXT missing": the flag ended the line.
      std::string what = m->what();
      problem = absl::StrCat(what.substr(0, what.find(':')), " needs a value");
    }
    if (command == nullptr) {
      err << "loket: " << problem << "\nusage: loket --help\n";
      return line;
    }
    line.exit_code = UsageProblem(*command, problem, err);
    return line;
  }

  if (help->parsed()) {
    CLI::App* node = &app;
    for (const std::string& word : help_words) {
      CLI::App* sub = nullptr;
      for (CLI::App* s :
           node->get_subcommands([&](CLI::App* a) { return a->get_name() == word; })) {
        sub = s;
      }
      if (sub == nullptr || sub == help) {
        line.exit_code = UnknownCommand(tree, node, word, err);
        return line;
      }
      node = sub;
    }
    out << Help(app, node);
    line.exit_code = kExitOk;
    return line;
  }

  CLI::App* at = Deepest(&app);
  const Command* command = tree.CommandOf(at);
  if (command == nullptr) {
    line.exit_code = UnknownCommand(tree, at, "", err);
    return line;
  }
  const ArgSpec& spec = specs[at];

  // The flags: the command's own, then the global ones from the root.
  std::string problem;
  for (const CLI::App* node :
       {static_cast<const CLI::App*>(at), static_cast<const CLI::App*>(&app)}) {
    for (const CLI::Option* opt : node->get_options()) {
      if (opt->get_positional() || opt->count() == 0 || opt == node->get_help_ptr()) continue;
      const std::string name = opt->get_name().substr(2);  // without the dashes
      const bool boolean = node == &app
                               ? name == "json"
                               : std::find(spec.boolean_flags.begin(), spec.boolean_flags.end(),
                                           name) != spec.boolean_flags.end();
      std::string value;
      if (FlagValue(*opt, boolean, &value, &problem)) {
        line.args.Set(name, value);
      } else if (!problem.empty()) {
        line.exit_code = UsageProblem(*command, problem, err);
        return line;
      }
    }
  }
  for (const std::string& f : spec.required_flags) {
    if (line.args.Get(f).empty()) {
      line.exit_code = UsageProblem(*command, absl::StrCat("missing --", f), err);
      return line;
    }
  }
  for (const std::string& word : Words(command->name)) line.args.AddWord(word);
  for (const std::string& p : spec.positionals) {
    const CLI::Option* opt = at->get_option(p);
    if (opt->count() == 0) {
      line.exit_code = UsageProblem(*command, absl::StrCat("missing ", p), err);
      return line;
    }
    line.positionals.push_back(opt->results().back());
    line.args.AddWord(opt->results().back());
  }
  line.command = command;
  line.exit_code = kExitOk;
  return line;
}

}  // namespace loket::cli
