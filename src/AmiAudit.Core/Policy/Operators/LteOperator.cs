namespace AmiAudit.Core.Policies.Operators;

public sealed class LteOperator : ComparisonOperatorBase
{
    public override string Name => "lte";
    public override string Summary => "the value is a number (or numeric text) at most the argument (absent: false; not a number: error)";
    protected override string Symbol => "<=";
    protected override bool Compare(double a, double b) => a <= b;
}
