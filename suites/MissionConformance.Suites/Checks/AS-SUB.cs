using System.Net;
using System.Text.Json;
using MissionConformance.Harness.Engine;
using MissionConformance.Suites.Infrastructure;

namespace MissionConformance.Suites.Checks;

public sealed class NarrowedEntryKeepsResourceAndActions : Check<NarrowedToken>
{
    public override string RequirementId => "MBO-AS-SUB-001";

    public override Judgement Judge(NarrowedToken e)
    {
        if (e.Token.TokenDetails is not { ValueKind: JsonValueKind.Array } details) return Judgement.Fail("the narrowed token carries no authorization_details");
        var bad = details.EnumerateArray().Where(entry => !e.MissionEntries.EnumerateArray().Any(m =>
            Subset.Text(m, "resource") == Subset.Text(entry, "resource") && Subset.Strings(entry, "actions").All(Subset.Strings(m, "actions").Contains))).ToList();
        return Judgement.That(bad.Count == 0, $"the token narrowed to {e.Resource} keeps the Mission entry's resource and a subset of its actions",
            $"narrowed entries are not subsets of a Mission entry by resource and actions: {string.Join(", ", bad.Select(b => b.GetRawText()))}");
    }
}

public sealed class NarrowedEntryKeepsConstraints : Check<NarrowedToken>
{
    public override string RequirementId => "MBO-AS-SUB-002";

    public override Judgement Judge(NarrowedToken e)
    {
        if (e.Token.TokenDetails is not { ValueKind: JsonValueKind.Array } details) return Judgement.Fail("the narrowed token carries no authorization_details");
        var changes = new List<(string? Resource, ConstraintFinding Change)>();
        foreach (var entry in details.EnumerateArray())
        {
            var mission = e.MissionEntries.EnumerateArray().FirstOrDefault(m => Subset.Text(m, "resource") == Subset.Text(entry, "resource"));
            if (mission.ValueKind != JsonValueKind.Undefined && Subset.ConstraintChange(entry, mission) is { } change) changes.Add((Subset.Text(entry, "resource"), change));
        }
        var broken = changes.Where(c => c.Change.Containment == Containment.Outside).ToList();
        if (broken.Count > 0) return Judgement.Fail("narrowing dropped or loosened " + string.Join(", ", broken.Select(c => $"{c.Resource}: {c.Change.Why}")));
        return changes.Count == 0
            ? Judgement.Pass("narrowed entries keep every constraint key of the Mission entry, each equal or provably tighter")
            : Judgement.Review(Subset.UndecidedReview($"{changes[0].Resource}: {changes[0].Change.Why}"));
    }
}

public sealed class OutsideSetNotDerived : Check<OutsideSetRequest>
{
    public override string RequirementId => "MBO-AS-SUB-003";

    public override PositiveControl Control => Controls.ActiveRefreshServed;

    public override Judgement Judge(OutsideSetRequest e)
    {
        if (e.Token.Response.Status != HttpStatusCode.OK) return Judgement.Pass($"a request for an action outside the Authority Set was refused ({e.Token.Response.Outcome()})");
        var (outside, undecided) = e.Token.TokenDetails is { ValueKind: JsonValueKind.Array } details
            ? Subset.Beyond(details.EnumerateArray(), e.MissionEntries.EnumerateArray().ToList())
            : (null, null);
        if (outside is { } entry) return Judgement.Fail($"the AS derived an entry outside the Authority Set: {entry.GetRawText()}");
        return undecided is null ? Judgement.Pass("a request for an action outside the Authority Set was answered without it") : Judgement.Review(Subset.UndecidedReview(undecided));
    }
}
