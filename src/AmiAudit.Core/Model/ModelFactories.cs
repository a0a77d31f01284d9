namespace AmiAudit.Core.Model;
// TEMPORARY hand-written stand-in until the generator lands (replaced by the generated one).
internal static partial class ModelFactories
{
    private static readonly IReadOnlyDictionary<Type, Func<object>> Map = new Dictionary<Type, Func<object>>
    {
        [typeof(BinaryFact)] = () => new BinaryFact(),
        [typeof(BootstrapFacts)] = () => new BootstrapFacts(),
        [typeof(CloudInitOutcome)] = () => new CloudInitOutcome(),
        [typeof(ContainerFact)] = () => new ContainerFact(),
        [typeof(CoreReading)] = () => new CoreReading(),
        [typeof(CpuProbe)] = () => new CpuProbe(),
        [typeof(Diagnostic)] = () => new Diagnostic(),
        [typeof(EnaInterface)] = () => new EnaInterface(),
        [typeof(EnaProbe)] = () => new EnaProbe(),
        [typeof(MemcgProbe)] = () => new MemcgProbe(),
        [typeof(OsInfo)] = () => new OsInfo(),
        [typeof(PackageFact)] = () => new PackageFact(),
        [typeof(PackageFacts)] = () => new PackageFacts(),
        [typeof(ProbeFacts)] = () => new ProbeFacts(),
        [typeof(ProcessShare)] = () => new ProcessShare(),
        [typeof(ScriptFact)] = () => new ScriptFact(),
        [typeof(Snapshot)] = () => new Snapshot(),
        [typeof(SystemdFacts)] = () => new SystemdFacts(),
        [typeof(TargetInfo)] = () => new TargetInfo(),
        [typeof(UnitFact)] = () => new UnitFact(),
        [typeof(UrlFact)] = () => new UrlFact(),
    };
    internal static IReadOnlyDictionary<Type, Func<object>> All() => Map;
}
