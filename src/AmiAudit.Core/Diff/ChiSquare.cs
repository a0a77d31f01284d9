namespace AmiAudit.Core.Diff;

/// <summary>Chi-square test of homogeneity for a 2 × k table — "could both sides be drawn from one distribution?"</summary>
public static class ChiSquare
{
    /// <summary>p-value for two count vectors over the same categories; 1 when there is nothing to test.</summary>
    public static double HomogeneityPValue(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        double na = a.Sum(), nb = b.Sum(), n = na + nb;
        if (na == 0 || nb == 0) return 1;
        double chi = 0;
        var categories = 0;
        for (var i = 0; i < a.Count; i++)
        {
            double col = a[i] + b[i];
            if (col == 0) continue;
            categories++;
            double ea = na * col / n, eb = nb * col / n;
            chi += (a[i] - ea) * (a[i] - ea) / ea + (b[i] - eb) * (b[i] - eb) / eb;
        }
        var df = categories - 1;
        return df <= 0 ? 1 : UpperRegularizedGamma(df / 2.0, chi / 2.0);
    }

    /// <summary>Q(s, x) = Γ(s, x) / Γ(s): series below s + 1, continued fraction above (Numerical Recipes §6.2).</summary>
    internal static double UpperRegularizedGamma(double s, double x)
    {
        if (x <= 0) return 1;
        var lnPrefix = -x + s * Math.Log(x) - LogGamma(s);
        if (x < s + 1)
        {
            double sum = 1 / s, term = sum, ap = s;
            for (var i = 0; i < 1000; i++)
            {
                ap++;
                term *= x / ap;
                sum += term;
                if (Math.Abs(term) < Math.Abs(sum) * 1e-15) break;
            }
            return Math.Clamp(1 - sum * Math.Exp(lnPrefix), 0, 1);
        }
        const double tiny = 1e-300;
        double bb = x + 1 - s, c = 1 / tiny, d = 1 / bb, h = d;
        for (var i = 1; i < 1000; i++)
        {
            var an = -i * (i - s);
            bb += 2;
            d = an * d + bb;
            if (Math.Abs(d) < tiny) d = tiny;
            c = bb + an / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            var del = d * c;
            h *= del;
            if (Math.Abs(del - 1) < 1e-15) break;
        }
        return Math.Clamp(Math.Exp(lnPrefix) * h, 0, 1);
    }

    /// <summary>Lanczos approximation (g = 7, n = 9).</summary>
    internal static double LogGamma(double x)
    {
        double[] c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        x -= 1;
        var a = c[0];
        var t = x + 7.5;
        for (var i = 1; i < 9; i++) a += c[i] / (x + i);
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }
}
