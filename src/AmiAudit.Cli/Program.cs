using System.CommandLine;
using System.Reflection;
using AmiAudit.Cli.Infrastructure;
using AmiAudit.Generated;

namespace AmiAudit.Cli;

/// <summary>
/// Composition root: the only place that touches the real console, environment and clock, and the
/// only place that turns outcomes into exit codes (docs/exit-codes.md).
/// </summary>
public static partial class Program
{
    public static int Main(string[] args)
    {
        var env = System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
        var interactive = !Console.IsOutputRedirected && !env.ContainsKey("NO_COLOR") && !env.ContainsKey("CI");
        // First, so a Ctrl-C during start-up already stops us the documented way (exit 130, no temp files).
        using var interruption = Interruption.Install();
        var context = new CliContext
        {
            ConsoleWidth = TerminalWidth.Resolve(!Console.IsOutputRedirected, () => Console.WindowWidth, env),
            Out = Console.Out,
            Error = Console.Error,
            Environment = env,
            Clock = TimeProvider.System,
            AppDirectory = AppContext.BaseDirectory,
            Interactive = interactive,
            Interruption = interruption,
        };
        var code = Run(args, context);
        context.Trace("exit");
        // A signal that came after the verb finished still means the run was interrupted.
        return interruption.ExitCode ?? code;
    }

    /// <summary>Runs the CLI against injected edges (tests call this in-process).</summary>
    public static int Run(string[] args, CliContext context)
    {
        // Every byte to the console passes the terminal guard; host text was escaped where it entered a line.
        context = context.Guarded();
        try
        {
            return RunGuarded(args, context);
        }
        finally
        {
            context.Out.Flush();
            context.Error.Flush();
        }
    }

    private static int RunGuarded(string[] args, CliContext context)
    {
        context.Trace("main");
        var root = BuildRoot(context, args.Length > 0 ? args[0] : null);
        context.Trace("commands built");
        var parse = root.Parse(args);
        context.Trace("parsed");
        if (parse.Errors.Count > 0 && !IsHelpOrVersion(args))
        {
            foreach (var error in parse.Errors) context.Diagnostic($"amiaudit: {error.Message}");
            var verb = parse.CommandResult.Command == root ? "" : " " + string.Join(' ', VerbPath(parse.CommandResult.Command, root));
            context.Diagnostic($"Run 'amiaudit{verb} --help' for usage.");
            return ExitCodes.Usage;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration
            {
                Output = context.Out,
                Error = context.Error,
                EnableDefaultExceptionHandler = false,
                // Signals are ours (Interruption): System.CommandLine's handler only reaches async actions.
                ProcessTerminationTimeout = null,
            });
        }
        catch (Exception e)
        {
            return Report(e, context);
        }
        finally
        {
            context.Trace("verb done");
        }
    }

    private static int Report(Exception e, CliContext context)
    {
        switch (e)
        {
            case AggregateException { InnerExceptions.Count: 1 } agg:
                return Report(agg.InnerExceptions[0], context);
            case TargetInvocationException { InnerException: { } inner }:
                return Report(inner, context);
            case OperationCanceledException when context.Interruption.ExitCode is { } signalled:
                context.Diagnostic($"amiaudit: interrupted by {context.Interruption.SignalName}; nothing was written");
                return signalled;
            case InvalidInputException invalid:
                foreach (var p in invalid.Problems) context.Diagnostic(p);
                if (invalid.Problems.Count > 1) context.Diagnostic($"amiaudit: {invalid.Problems.Count} problems; nothing was evaluated.");
                return ExitCodes.InvalidInput;
            case UsageException usage:
                context.Diagnostic($"amiaudit: {usage.Message}");
                return ExitCodes.Usage;
            case OutputException output:
                context.Diagnostic($"amiaudit: {output.Message}");
                return ExitCodes.IoError;
            // AWS unreachable, refused or throttled past its retries: exit 4 with one line, never 70 (docs/aws.md).
            case AmiAudit.Aws.Plumbing.AwsFailure aws:
                context.Diagnostic($"amiaudit: {aws.Message}");
                return ExitCodes.CollectionFailed;
            case AmiAudit.Aws.Plumbing.AwsConfigurationException config:
                context.Diagnostic($"amiaudit: {config.Message}");
                return ExitCodes.Usage;
            case Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException:
                context.Diagnostic($"amiaudit: {AmiAudit.Aws.Plumbing.AwsFailure.From(e, "AWS", null).Message}");
                return ExitCodes.CollectionFailed;
            default:
                context.Diagnostic($"amiaudit: internal error: {e.GetType().Name}: {e.Message}");
                context.Diagnostic("This is a bug; please report it with the command line and this output.");
                if (context.Environment.ContainsKey("AMIAUDIT_DEBUG")) context.Error.WriteLine(e.ToString());
                return ExitCodes.Internal;
        }
    }

    /// <param name="verbHint">The first argument. When it names a verb, only that verb's command tree
    /// is built (~20 ms of start-up saved on every gate run); otherwise all are, for help and errors.</param>
    internal static Command BuildRoot(CliContext context, string? verbHint = null)
    {
        // A named Command rather than RootCommand: RootCommand takes its name from the host process,
        // which is "testhost" under the test runner and would leak into help text and docs/cli.md.
        var root = new Command("amiaudit",
            "amiaudit — audit AMI roots and live nodes against YAML policies, diff 'identical' environments, probe node health.\n\n" +
            "Examples:\n" +
            "  amiaudit scan --root /mnt/image --format junit -o amiaudit.xml\n" +
            "  amiaudit diff zone-a zone-b\n" +
            "  amiaudit collect --root /mnt/image -o snapshot.json\n" +
            "  amiaudit policy validate my-policies/\n\n" +
            "Exit codes: 0 passed, 1 gate failed, 2 usage error, 3 invalid input,\n" +
            "4 collection failed, 70 internal error, 74 output not written,\n" +
            "130/143 interrupted (SIGINT/SIGTERM).");
        root.Options.Add(CliHelp.Option(root, context));
        root.Options.Add(ToolVersionOption.Create(context));
        var verbs = Verbs().ToList();
        var only = verbs.Where(v => VerbName(v.GetType()) == verbHint).ToList();
        foreach (var verb in only.Count == 1 ? only : verbs) root.Subcommands.Add(verb.Build(context));
        return root;
    }

    /// <summary>Every IVerb in this assembly, ordered by class name — a new verb is one new file.</summary>
    private static IEnumerable<IVerb> Verbs() =>
        VerbFactories().Select(f => f()).OrderBy(v => v.GetType().Name, StringComparer.Ordinal);

    /// <summary>Listed at compile time (AmiAudit.Generators), not by reflection: NativeAOT would trim the verbs away.</summary>
    [Implementations]
    private static partial Func<IVerb>[] VerbFactories();

    /// <summary>Verb classes are named for their verb: ScanCommand → "scan" (VerbNamingTests holds every verb to it).</summary>
    internal static string VerbName(Type verbType) =>
        verbType.Name.EndsWith("Command", StringComparison.Ordinal) ? verbType.Name[..^"Command".Length].ToLowerInvariant() : verbType.Name.ToLowerInvariant();

    private static bool IsHelpOrVersion(string[] args) =>
        args.Any(a => a is "--help" or "-h" or "-?" or "--version");

    private static IEnumerable<string> VerbPath(Command command, Command root)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c && c != root; s = c.Parents.FirstOrDefault()) names.Insert(0, c.Name);
        return names;
    }
}
