using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace AmiAudit.Cli.Infrastructure;

/// <summary>
/// <c>--version</c> prints amiaudit's own informational version (<c>0.1.0+commit</c>). System.CommandLine's
/// default reads the entry assembly, which is the test host when the CLI runs in-process, so the tests
/// could not see what the shipped binary prints.
/// </summary>
internal static class ToolVersionOption
{
    public static string Version { get; } =
        typeof(ToolVersionOption).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ToolVersionOption).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static VersionOption Create(CliContext context) => new() { Action = new Print(context) };

    private sealed class Print(CliContext context) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            context.Out.WriteLine(Version);
            return ExitCodes.Passed;
        }
    }
}
