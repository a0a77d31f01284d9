using System.CommandLine;

namespace AmiAudit.Cli.Infrastructure;

/// <summary>
/// One CLI verb = one class implementing this, with a parameterless constructor, named for its verb
/// (ScanCommand → "scan"); the source generator lists it for Program at compile time, no list to edit.
/// <see cref="Build"/> returns the System.CommandLine command whose action returns
/// an exit code from <see cref="ExitCodes"/>; throw <see cref="InvalidInputException"/> /
/// <see cref="UsageException"/> for bad input and Program turns them into exit 3 / 2.
/// </summary>
public interface IVerb
{
    Command Build(CliContext context);
}
