using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text;

namespace AmiAudit.Cli.Infrastructure;

/// <summary>
/// --help for every command: System.CommandLine's layout, wrapped at the terminal width (at most
/// <see cref="MaxWidth"/> columns; 80 in files and pipes, hence in docs/cli.md) instead of its unbounded width when
/// stdout is redirected. The root's command list shows each verb's first description line only: the full
/// descriptions (examples included) belong to each verb's own help, and System.CommandLine would also append the
/// verb's argument default (probe's "[default: all]") to the last example line.
/// </summary>
public static class CliHelp
{
    /// <summary>Lines longer than this are hard to read even on a wide terminal.</summary>
    public const int MaxWidth = 100;

    public static HelpOption Option(Command root, CliContext context)
    {
        var option = new HelpOption();
        var builtIn = (HelpAction)option.Action!;
        builtIn.MaxWidth = Math.Min(context.ConsoleWidth, MaxWidth);
        option.Action = new Action(root, builtIn, builtIn.MaxWidth);
        return option;
    }

    private sealed class Action(Command root, HelpAction builtIn, int width) : SynchronousCommandLineAction
    {
        private bool _rendering;

        public override int Invoke(ParseResult parseResult)
        {
            if (_rendering) return builtIn.Invoke(parseResult);
            // Render the built-in help into a buffer (a second parse of "VERB… --help" whose output is the buffer;
            // _rendering sends it to the built-in action), then tidy it: no trailing blanks where it wrapped, and
            // the root's command list (always its last section) one summary line per verb.
            var command = parseResult.CommandResult.Command;
            var path = new List<string>();
            for (Symbol? s = command; s is Command c && c != root; s = c.Parents.FirstOrDefault()) path.Insert(0, c.Name);
            var captured = new StringWriter();
            _rendering = true;
            try
            {
                root.Parse([.. path, "--help"]).Invoke(new InvocationConfiguration { Output = captured, Error = TextWriter.Null, EnableDefaultExceptionHandler = false });
            }
            finally
            {
                _rendering = false;
            }
            var text = captured.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
            var at = text.IndexOf("\nCommands:\n", StringComparison.Ordinal);
            if (command == root && at >= 0) text = text[..(at + 1)] + Commands(root, width);
            parseResult.InvocationConfiguration.Output.Write(string.Join('\n', text.Split('\n').Select(l => l.TrimEnd())));
            return 0;
        }
    }

    /// <summary>"Commands:" with one row per verb: its name and the first line of its description, word-wrapped.</summary>
    internal static string Commands(Command root, int width)
    {
        var rows = root.Subcommands.Where(c => !c.Hidden)
            .Select(c => (Name: c.Name, Summary: (c.Description ?? "").Split('\n')[0].Trim()))
            .ToList();
        var nameWidth = rows.Count == 0 ? 0 : rows.Max(r => r.Name.Length);
        var indent = 2 + nameWidth + 2;
        var sb = new StringBuilder("Commands:\n");
        foreach (var (name, summary) in rows)
        {
            sb.Append("  ").Append(name.PadRight(nameWidth)).Append("  ");
            var column = indent;
            var first = true;
            foreach (var word in summary.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!first && column + 1 + word.Length > width)
                {
                    sb.Append('\n').Append(' ', indent);
                    column = indent;
                    first = true;
                }
                if (!first) { sb.Append(' '); column++; }
                sb.Append(word);
                column += word.Length;
                first = false;
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
