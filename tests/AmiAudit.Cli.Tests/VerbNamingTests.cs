using AmiAudit.Cli.Infrastructure;

namespace AmiAudit.Cli.Tests;

public class VerbNamingTests
{
    /// <summary>Program builds only the invoked verb, found by class name; a verb whose class name and
    /// command name disagree would silently fall back to building all (slower, still correct) — catch it.</summary>
    [Fact]
    public void Every_verb_class_is_named_for_its_command()
    {
        var context = new CliContext
        {
            Out = TextWriter.Null, Error = TextWriter.Null, Environment = new Dictionary<string, string>(),
            Clock = TimeProvider.System, AppDirectory = AppContext.BaseDirectory,
        };
        var verbTypes = typeof(Program).Assembly.GetTypes().Where(t => typeof(IVerb).IsAssignableFrom(t) && t.IsClass && !t.IsAbstract).ToList();
        verbTypes.Count.ShouldBeGreaterThanOrEqualTo(5);
        foreach (var t in verbTypes)
        {
            var command = ((IVerb)Activator.CreateInstance(t)!).Build(context);
            Program.VerbName(t).ShouldBe(command.Name, t.Name);
            // And building for that hint yields exactly that one subcommand.
            Program.BuildRoot(context, command.Name).Subcommands.Select(c => c.Name).ShouldBe([command.Name]);
        }
        Program.BuildRoot(context, "--help").Subcommands.Count.ShouldBe(verbTypes.Count);
    }
}
