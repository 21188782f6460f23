// SPDX-License-Identifier: GPL-3.0-or-later
// `opsdeck`: decides between the console and a command before loading anything. No Qt here:
// --version costs a process start, a command loads only its module (light: secrets, check;
// full: everything else), and the console replaces this process with opsdeck-gui.
#include "commandmodule.h"

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace {

// Names and aliases of every command (the modules' registries), so that an existing file called
// "deploy" is still run as the command, as before the split. tests/app/cli_test.sh checks this
// list against `opsdeck --help`.
// ("logs" matters most: many repositories have a logs/ directory.)
constexpr std::array<std::string_view, 24> kCommands{
    "check",          "db",          "deploy", "rollback", "run",     "releases", "lock",
    "unlock",         "flags",       "config", "secrets",  "sops",    "services", "containers",
    "logs",           "log",         "alerts", "alert",    "silence", "silences", "unsilence",
    "expire-silence", "alert-rules", "help"};
constexpr std::array<std::string_view, 3> kLightCommands{"secrets", "sops", "check"};

template<std::size_t N>
bool contains(const std::array<std::string_view, N> &names, std::string_view name)
{
    for (std::string_view n : names)
        if (n == name)
            return true;
    return false;
}

std::string executableDirectory()
{
    std::array<char, PATH_MAX> path{};
    const ssize_t length = readlink("/proc/self/exe", path.data(), path.size() - 1);
    if (length <= 0)
        return ".";
    std::string exe(path.data(), std::size_t(length));
    return exe.substr(0, exe.rfind('/'));
}

bool fileExists(const std::string &path)
{
    struct stat st
    {
    };
    return stat(path.c_str(), &st) == 0;
}

bool endsWith(std::string_view text, std::string_view suffix)
{
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

/** A GUI argument is a workspace path; anything else that is not an option is a command. */
bool isCommandLike(std::string_view argument)
{
    if (argument.empty() || argument.front() == '-' || argument.find('/') != std::string::npos)
        return false;
    if (endsWith(argument, ".yaml") || endsWith(argument, ".yml"))
        return false;
    return contains(kCommands, argument) || !fileExists(std::string(argument));
}

int runModule(const std::string &directory, const char *name, int argc, char *argv[])
{
    std::string loadError;
    for (const std::string &path :
         {directory + "/" + name, directory + "/" OPSDECK_MODULE_RELDIR "/" + name}) {
        if (!fileExists(path))
            continue;
        // Lazy: a command binds only the functions it calls (of Qt, libpq, libssh …), not the
        // module's thousands — about a millisecond of every start (bench/startup.sh).
        void *module = dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
        if (!module) {
            loadError = dlerror();
            break;
        }
        auto entry = reinterpret_cast<OpsdeckCommandMain>(dlsym(module, OPSDECK_MODULE_ENTRY));
        if (!entry) {
            loadError = path + ": no " OPSDECK_MODULE_ENTRY;
            break;
        }
        return entry(argc, argv); // the module stays loaded until exit: Qt's statics live in it
    }
    std::fprintf(stderr, "opsdeck: cannot load the command module %s: %s\n", name,
                 loadError.empty() ? "not installed next to opsdeck" : loadError.c_str());
    return 3; // ExitCode::Failure
}

} // namespace

int main(int argc, char *argv[])
{
    std::string_view first = argc > 1 ? argv[1] : "";
    if ((first == "-w" || first == "--workspace") && argc > 3)
        first = argv[3]; // `opsdeck -w FILE COMMAND …`
    if (first == "--version") {
        std::printf("opsdeck %s\n", OPSDECK_VERSION);
        return 0;
    }
    const std::string directory = executableDirectory();
    if (contains(kLightCommands, first))
        return runModule(directory, "opsdeck-cli-light.so", argc, argv);
    if (first == "--help" || first == "-h" || isCommandLike(first))
        return runModule(directory, "opsdeck-cli-full.so", argc, argv);
    const std::string gui = directory + "/opsdeck-gui";
    argv[0] = const_cast<char *>(gui.c_str());
    execv(gui.c_str(), argv);
    std::fprintf(stderr, "opsdeck: cannot start %s: %s\n", gui.c_str(), std::strerror(errno));
    return 3;
}
