using AmiAudit.Collectors;
using AmiAudit.Collectors.Bootstrap;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Collectors.Systemd;
using AmiAudit.Core.Model;
using AmiAudit.Fuzz.Engine;

namespace AmiAudit.Fuzz.Targets;

internal static class SystemdTargets
{
    private static readonly string[] UnitTokens =
        ["[Unit]", "[Service]", "[Install]", "\n[", "]\n", "=", "\\\n", "#", ";", "\"", "'", "%i", "%n", "%%", "%", "@", ".d/", "-/",
         "ExecStart=", "ExecStartPre=", "WantedBy=", "RequiredBy=", "Alias=", "Also=", "DefaultInstance=", "Requires=", "Wants=",
         "After=", "Before=", "EnvironmentFile=", "ConditionPathExists=", "Restart=", "RestartSec=", "\\x41", "\\u00e9", ".service", ".target"];

    private static IReadOnlyList<byte[]> UnitSeeds() => Corpus.Of(
        Corpus.Repo("examples/dlami-root/lib/systemd/system", "examples/dlami-root/etc/systemd/system/ecs.service.d/10-after-bootstrap.conf"),
        Corpus.Own("unit-file"));

    /// <summary>The unit-file line parser and the word splitter for list settings, on one file.</summary>
    public static FuzzTarget UnitFile => new()
    {
        Name = "unit-file",
        Parses = "unit files and drop-ins (UnitFileParser, SplitWords, ExecLine, Specifiers)",
        Seeds = UnitSeeds,
        Tokens = UnitTokens,
        Run = input =>
        {
            var parsed = UnitFileParser.Parse("/etc/systemd/system/fuzz@x.service", Text.Of(input));
            foreach (var e in parsed.Entries)
            {
                UnitFileParser.SplitWords(e.Value, out _);
                Specifiers.Expand(e.Value, "fuzz@x.service");
                ExecLine.Parse(e.Key, e.Value, out _, out _);
                AmiAudit.Collectors.Bootstrap.ExecCommand.Parse(e.Value);
            }
        },
    };

    /// <summary>
    /// The whole offline systemd scan on a root whose unit, drop-in and preset come from the input
    /// (split on "\n--\n"): loading, aliases, [Install] resolution, boot reachability.
    /// </summary>
    public static FuzzTarget UnitTree => new()
    {
        Name = "unit-tree",
        Parses = "a unit tree: unit file + drop-in + preset through SystemdCollector",
        Seeds = () => Corpus.Of(UnitSeeds().Select(s => s.Concat(Corpus.Text("\n--\n[Service]\nExecStart=/bin/true\n\n--\nenable fuzz.service\ndisable *\n")).ToArray())),
        Tokens = [.. UnitTokens, "\n--\n", "enable ", "disable ", "*"],
        // The whole scan per input (~20 directories listed, install resolution): its parsers get their
        // 10,000 in unit-file and preset-glob; this checks how they compose.
        Iterations = 3_000,
        Run = input =>
        {
            var parts = Text.Of(input).Split("\n--\n", 3);
            var root = Scratch.Root("unit-tree");
            Scratch.Write(root, "/etc/systemd/system/fuzz.service", Corpus.Text(parts[0]));
            Scratch.Write(root, "/etc/systemd/system/fuzz.service.d/override.conf", Corpus.Text(parts.Length > 1 ? parts[1] : ""));
            Scratch.Write(root, "/usr/lib/systemd/system-preset/90-fuzz.preset", Corpus.Text(parts.Length > 2 ? parts[2] : ""));
            Scratch.Write(root, "/usr/lib/systemd/system/multi-user.target", Corpus.Text("[Unit]\nDescription=Multi-User\nRequires=basic.target\n"));
            Scratch.Write(root, "/usr/lib/systemd/system/basic.target", Corpus.Text("[Unit]\nDescription=Basic\n"));
            var link = Path.Combine(root, "etc/systemd/system/multi-user.target.wants/fuzz.service");
            if (!File.Exists(link) && !Directory.Exists(Path.GetDirectoryName(link)))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(link)!);
                File.CreateSymbolicLink(link, "/etc/systemd/system/fuzz.service");
            }
            SystemdCollector.Scan(new RootFileSystem(root));
        },
    };

    public static FuzzTarget PresetPattern => new()
    {
        Name = "preset-glob",
        Parses = "preset/unit name globs (systemd Glob.Match: fnmatch)",
        Seeds = () => Corpus.Of([Corpus.Text("*\nfuzz@*.service\n"), Corpus.Text("[a-z]*.s?rvice\nkube*.service\n"), Corpus.Text("\\*\n[!x]*\n")]),
        Tokens = ["*", "?", "[", "]", "!", "\\", "-", "@", "."],
        Run = input =>
        {
            // Patterns are preset lines (any length); the text is a unit file name (at most 255 bytes).
            var lines = Text.Of(input).Split('\n');
            var name = lines[0].Length > 255 ? lines[0][..255] : lines[0];
            foreach (var p in lines) AmiAudit.Collectors.Systemd.Glob.Match(p, name);
        },
    };

    internal static Snapshot Collect(ICollector collector, string root, Snapshot? seed = null) =>
        collector.Collect(new CollectionContext { Fs = new RootFileSystem(root) }, seed ?? new Snapshot());
}
