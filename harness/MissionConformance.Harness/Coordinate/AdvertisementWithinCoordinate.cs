using MissionConformance.Harness.Engine;

namespace MissionConformance.Harness.Coordinate;

// MBO-AS-MD-009 is judged by the runner on the computed coordinate, after every scenario, so its check lives beside
// the coordinate instead of among the suite's scenario checks.

/// <summary>What the target advertises against what the run computed.</summary>
public sealed record AdvertisementEvidence(IReadOnlyList<string> OverClaims, string Computed);

public sealed class AdvertisementWithinCoordinate : Check<AdvertisementEvidence>
{
    public override string RequirementId => "MBO-AS-MD-009";

    public override Judgement Judge(AdvertisementEvidence e)
        => Judgement.That(e.OverClaims.Count == 0, $"advertised levels and tiers do not exceed the computed {e.Computed}", string.Join("; ", e.OverClaims));
}
