using System.Collections.Concurrent;
using System.CommandLine;
using System.Runtime;
using System.Text;
using System.Text.Json;
using AmiAudit.Cli.Infrastructure;
using AmiAudit.Core.Evaluation;
using AmiAudit.Core.Model;
using AmiAudit.Reporting;
using AmiAudit.Reporting.Diff;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using CoreDiff = AmiAudit.Core.Diff;

namespace AmiAudit.Cli.Commands;

/// <summary>
/// <c>amiaudit diff A B</c>: compares two groups of nodes. A side is a snapshot file, a directory of *.json
/// snapshots (streamed, parsed in parallel), an image root, or an environment named in amiaudit.yaml.
/// Corrupt snapshots are reported with their path and skipped; exit 3 only when a side has nothing usable.
/// </summary>
public sealed class DiffCommand : IVerb
{
    public Command Build(CliContext context)
    {
        var sides = new Argument<string[]>("sides")
        {
            Description = "Two sides: snapshot file, directory of snapshots, image root, or environment name from amiaudit.yaml.",
            Arity = new ArgumentArity(0, 2),
        };
        var format = new Option<string>("--format", "-f")
        {
            Description = "console, json, markdown or html.",
            DefaultValueFactory = _ => "console",
            Validators = { r => { var v = r.GetValueOrDefault<string>(); if (!DiffReporters.TryGet(v, out _)) r.AddError($"--format: '{v}' is not one of {string.Join(", ", DiffReporters.Formats)}"); } },
        };
        var output = CommonOptions.Output();
        var failOn = new Option<string?>("--fail-on-divergence")
        {
            Description = "Exit 1 when a consistent or partial divergence is at or above this severity: info, low, medium, high, critical.",
            Validators = { r => { var v = r.GetValueOrDefault<string?>(); if (v is not null && !SeverityNames.TryParse(v, out _)) r.AddError($"--fail-on-divergence: '{v}' is not one of {string.Join(", ", SeverityNames.All)}"); } },
        };
        var ignore = new Option<string[]>("--ignore") { Description = "Ignore fact keys matching this glob (repeatable), e.g. 'package/**', 'unit/*/restarts'." };
        var config = new Option<string?>("--config") { Description = "amiaudit.yaml with 'environments: { NAME: { snapshots: PATH } | { root: DIR } }'. Default: ./amiaudit.yaml if present." };
        var roots = new Option<string[]>("--root", "-r") { Description = "Compare two image roots: give --root twice (old, new)." };

        var command = new Command("diff", "Compare two 'identical' environments: ranked divergences and the causal chain behind them.\n\n" +
            "Examples:\n  amiaudit diff examples/incident/zone-a examples/incident/zone-b\n  amiaudit diff zone-a zone-b --fail-on-divergence high\n" +
            "  amiaudit diff a.json b.json --format json -o diff.json\n  amiaudit diff --root /mnt/ami-old --root /mnt/ami-new")
        {
            sides, format, output, failOn, ignore, config, roots,
        };
        command.SetAction(parse =>
        {
            var given = parse.GetValue(sides) ?? [];
            var rootDirs = parse.GetValue(roots) ?? [];
            var env = LoadConfig(parse.GetValue(config));
            (Side A, Side B) pair = (given.Length, rootDirs.Length) switch
            {
                (2, 0) => (Resolve(given[0], env), Resolve(given[1], env)),
                (0, 2) => (Side.Root(rootDirs[0], Label(rootDirs[0])), Side.Root(rootDirs[1], Label(rootDirs[1]))),
                _ => throw new UsageException("give two sides (amiaudit diff A B) or --root twice (amiaudit diff --root OLD --root NEW)"),
            };
            if (pair.A.Name == pair.B.Name)
                pair = (pair.A with { Name = pair.A.Name + " (a)" }, pair.B with { Name = pair.B.Name + " (b)" });

            var ignores = env.Ignore.Concat(parse.GetValue(ignore) ?? []).ToList();
            var matcher = new CoreDiff.GlobMatcher(ignores);
            var problems = new ConcurrentBag<CoreDiff.LoadProblem>();
            // Throughput over pause times: loading thousands of snapshots is a batch job.
            GCSettings.LatencyMode = GCLatencyMode.Batch;
            var a = CoreDiff.DiffEngine.Accumulate(pair.A.Name, Flatten(pair.A, matcher, problems, context));
            var b = CoreDiff.DiffEngine.Accumulate(pair.B.Name, Flatten(pair.B, matcher, problems, context));

            var sorted = problems.OrderBy(p => p.Side, StringComparer.Ordinal).ThenBy(p => p.Path, StringComparer.Ordinal).ToList();
            foreach (var p in sorted) context.Error.WriteLine($"amiaudit: skipped {p.Path}: {p.Message}");
            var unusable = new[] { a, b }.Where(s => s.Nodes == 0).Select(s => s.Name).ToList();
            if (unusable.Count > 0)
                throw new InvalidInputException([.. unusable.Select(n => $"amiaudit: side '{n}' has no usable snapshot ({sorted.Count(p => p.Side == n)} skipped); nothing was compared")]);

            var result = CoreDiff.DiffEngine.Compare(a, b, new CoreDiff.DiffOptions { NameA = a.Name, NameB = b.Name, Ignore = ignores, LoadProblems = sorted });
            var outPath = parse.GetValue(output);
            var ctx = new ReportContext
            {
                ToolVersion = typeof(DiffCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
                GeneratedAt = context.Now,
                TemplateDirectory = Path.Combine(context.AppDirectory, "templates"),
                Color = context.Interactive && outPath is null,
                Width = 80,
            };
            var text = DiffReporters.Get(parse.GetValue(format) ?? "console").Render(result, ctx);
            if (outPath is null) context.Out.Write(text);
            else AtomicFile.WriteAllText(outPath, text);

            return CommonOptions.ParseSeverity(parse.GetValue(failOn)) is { } gate && result.AtOrAbove(gate).Any()
                ? ExitCodes.GateFailed
                : ExitCodes.Passed;
        });
        return command;
    }

    /// <summary>One side: snapshot files to stream, or an image root to collect.</summary>
    private sealed record Side(string Name, IReadOnlyList<string> Files, string? RootDir)
    {
        public static Side Root(string dir, string name) => new(name, [], dir);
    }

    private static Side Resolve(string arg, Environments env)
    {
        if (File.Exists(arg)) return new Side(Label(arg), [arg], null);
        if (Directory.Exists(arg)) return FromDirectory(arg, Label(arg));
        if (env.Named.TryGetValue(arg, out var target))
        {
            if (target.Root is { } root) return Side.Root(root, arg);
            if (File.Exists(target.Snapshots)) return new Side(arg, [target.Snapshots!], null);
            if (Directory.Exists(target.Snapshots)) return FromDirectory(target.Snapshots!, arg);
            throw new InvalidInputException($"amiaudit: environment '{arg}' ({env.Source}): snapshots path {target.Snapshots} does not exist");
        }
        var known = env.Named.Count == 0
            ? env.Source is null ? "no amiaudit.yaml was found (use --config)" : $"{env.Source} defines no environments"
            : $"known environments ({env.Source}): {string.Join(", ", env.Named.Keys.Order(StringComparer.Ordinal))}";
        throw new InvalidInputException($"amiaudit: '{arg}' is neither a snapshot file, a directory nor a known environment; {known}");
    }

    /// <summary>A directory holding *.json is a group of snapshots; one holding etc/ or usr/ is an image root.</summary>
    private static Side FromDirectory(string dir, string name)
    {
        var files = Directory.EnumerateFiles(dir, "*.json").Order(StringComparer.Ordinal).ToList();
        if (files.Count > 0) return new Side(name, files, null);
        if (Directory.Exists(Path.Combine(dir, "etc")) || Directory.Exists(Path.Combine(dir, "usr"))) return Side.Root(dir, name);
        throw new InvalidInputException($"amiaudit: {dir}: no *.json snapshots in this directory (and it is not an image root)");
    }

    private static string Label(string path)
    {
        var trimmed = path.TrimEnd('/');
        var name = Path.GetFileName(trimmed);
        return name.Length > 0 ? name : path;
    }

    /// <summary>Streams a side: files are read and flattened in parallel (order kept), each snapshot dropped once
    /// flattened. A file that does not load becomes a <see cref="CoreDiff.LoadProblem"/>, not an exit.</summary>
    private static IEnumerable<CoreDiff.FlatSnapshot> Flatten(Side side, CoreDiff.GlobMatcher matcher, ConcurrentBag<CoreDiff.LoadProblem> problems, CliContext context)
    {
        if (side.RootDir is { } root)
        {
            var snapshot = Collection.Collect(new Collection.Request { Root = root }, context);
            return [CoreDiff.FactFlattener.FlattenAll(snapshot, matcher)];
        }
        // Chunks bound what is in flight (PLINQ's ordered merge would otherwise buffer ahead without limit);
        // within a chunk every core parses and flattens.
        var chunk = Math.Max(1, Environment.ProcessorCount) * 32;
        return side.Files.Chunk(chunk).SelectMany(files => files
            .AsParallel().AsOrdered()
            .WithDegreeOfParallelism(Math.Max(1, Environment.ProcessorCount))
            .Select(path => LoadOne(side.Name, path, matcher, problems))
            .ToArray())
            .Where(f => f is not null)
            .Select(f => f!);
    }

    private static CoreDiff.FlatSnapshot? LoadOne(string side, string path, CoreDiff.GlobMatcher matcher, ConcurrentBag<CoreDiff.LoadProblem> problems)
    {
        try
        {
            if (new FileInfo(path).Length > SnapshotFiles.MaxBytes)
            {
                problems.Add(new CoreDiff.LoadProblem { Side = side, Path = path, Message = $"larger than {SnapshotFiles.MaxBytes / 1024 / 1024} MiB; not a snapshot" });
                return null;
            }
            return CoreDiff.FactFlattener.FlattenAll(Parse(File.ReadAllBytes(path), path), matcher);
        }
        catch (SnapshotFormatException e)
        {
            problems.Add(new CoreDiff.LoadProblem { Side = side, Path = path, Message = $"{e.Line}:{e.Column}: {e.Problem}" });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new CoreDiff.LoadProblem { Side = side, Path = path, Message = e.Message });
        }
        return null;
    }

    /// <summary>
    /// Fast path for thousands of files: check the top-level "schema" with a forward-only reader, then deserialise
    /// straight from UTF-8 (one parse, no UTF-16 copy). Anything unusual goes through
    /// <see cref="SnapshotJson.Deserialize"/>, which owns the error messages (file:line:col, schema advice).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static Snapshot Parse(byte[] utf8, string path)
    {
        if (TopLevelSchema(utf8) == Snapshot.CurrentSchema)
        {
            try
            {
                if (JsonSerializer.Deserialize<Snapshot>(utf8, SnapshotJson.Options) is { } fast) return fast;
            }
            catch (JsonException)
            {
                // fall through for the precise message
            }
        }
        return SnapshotJson.Deserialize(Encoding.UTF8.GetString(utf8), path);
    }

    private static string? TopLevelSchema(byte[] utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("schema"u8))
                    return reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }

    private sealed record Environments(string? Source, IReadOnlyDictionary<string, (string? Snapshots, string? Root)> Named, IReadOnlyList<string> Ignore);

    /// <summary>Reads <c>environments:</c> (and <c>diff: { ignore: [...] }</c>) from amiaudit.yaml; paths are relative
    /// to the file. Other top-level sections belong to other verbs and are left alone.</summary>
    private static Environments LoadConfig(string? explicitPath)
    {
        var path = explicitPath ?? (File.Exists("amiaudit.yaml") ? "amiaudit.yaml" : null);
        var named = new Dictionary<string, (string?, string?)>(StringComparer.Ordinal);
        var ignore = new List<string>();
        if (path is null) return new Environments(null, named, ignore);
        if (!File.Exists(path)) throw new InvalidInputException($"amiaudit: --config {path}: no such file");
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var problems = new List<string>();
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(path)));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) return new Environments(path, named, ignore);
            if (root.Children.TryGetValue(new YamlScalarNode("environments"), out var envNode))
            {
                if (envNode is not YamlMappingNode envs) problems.Add($"{path}:{envNode.Start.Line}:{envNode.Start.Column}: 'environments' must be a mapping of NAME: {{ snapshots: PATH }}");
                else
                {
                    foreach (var (k, v) in envs.Children)
                    {
                        var name = ((YamlScalarNode)k).Value ?? "";
                        var snaps = v is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode("snapshots"), out var s) ? (s as YamlScalarNode)?.Value : null;
                        var rootDir = v is YamlMappingNode m2 && m2.Children.TryGetValue(new YamlScalarNode("root"), out var r) ? (r as YamlScalarNode)?.Value : null;
                        if (snaps is null && rootDir is null)
                        {
                            problems.Add($"{path}:{v.Start.Line}:{v.Start.Column}: environment '{name}' needs 'snapshots: PATH' or 'root: DIR'");
                            continue;
                        }
                        named[name] = (snaps is null ? null : Path.Combine(baseDir, snaps), rootDir is null ? null : Path.Combine(baseDir, rootDir));
                    }
                }
            }
            if (root.Children.TryGetValue(new YamlScalarNode("diff"), out var diffNode) && diffNode is YamlMappingNode diff
                && diff.Children.TryGetValue(new YamlScalarNode("ignore"), out var ign) && ign is YamlSequenceNode list)
                ignore.AddRange(list.Children.OfType<YamlScalarNode>().Select(n => n.Value ?? "").Where(v => v.Length > 0));
        }
        catch (YamlException e)
        {
            problems.Add($"{path}:{e.Start.Line}:{e.Start.Column}: {e.Message}");
        }
        if (problems.Count > 0) throw new InvalidInputException(problems);
        return new Environments(path, named, ignore);
    }
}
