using System.Text.Json.Nodes;
using MissionConformance.Suites.Checks;

namespace MissionConformance.Suites.Tests;

/// <summary>
/// MBO-AS-APR-001 on pages the reference never renders. Until issue 19 the check looked for exact substrings, so a page
/// that showed the expiry as "December 8, 2026", or the goal in another case or wrapped over lines, failed a conforming AS.
/// </summary>
public sealed class ConsentRenderingCheckTests
{
    private static readonly DateTimeOffset Expiry = new(2026, 12, 8, 22, 30, 0, TimeSpan.Zero);

    private static ConsentPage Page(string text) => new(text, new JsonObject
    {
        ["goal"] = "Prepare the Q3 board packet",
        ["mission_expiry"] = Expiry.ToString("O"),
        ["constraints"] = new JsonArray("audit-committee-only"),
    }, [new AuthorityShown("https://finance.example/mcp", ["read"], ["max_rows"])], Expiry, Harness.Editions.Edition.Seed);

    private const string Authority = "https://finance.example/mcp read max_rows";

    [Theory]
    [InlineData("Goal: Prepare the Q3 board packet. Constraint: audit-committee-only. Expires 2026-12-08. " + Authority)]
    [InlineData("GOAL: prepare the  Q3\n board   packet · AUDIT-COMMITTEE-ONLY · until December 8, 2026 · " + Authority)]
    [InlineData("Prepare the Q3 board packet / audit-committee-only / 09.12.2026 (your time) / " + Authority)]
    [InlineData("Prepare the Q3 board packet, audit-committee-only, expires Dec 8, 2026, " + Authority)]
    public void APageShowingEverythingInAnyCommonForm_Passes(string text)
    {
        var judgement = new ConsentShowsIntentAndAuthority().Judge(Page(text));

        Assert.True(judgement.Holds, judgement.Message);
    }

    [Theory]
    [InlineData("Prepare the Q3 board packet, audit-committee-only, expires 2026-12-11, " + Authority, "mission_expiry date")]
    [InlineData("Prepare the Q3 board packet, expires 2026-12-08, " + Authority, "constraint \"audit-committee-only\"")]
    [InlineData("Prepare the Q3 board packet, audit-committee-only, expires 2026-12-08, https://finance.example/mcp max_rows", "action of https://finance.example/mcp")]
    public void APageMissingOneItem_FailsNamingIt(string text, string missing)
    {
        var judgement = new ConsentShowsIntentAndAuthority().Judge(Page(text));

        Assert.False(judgement.Holds);
        Assert.Contains(missing, judgement.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheExpiryDate_IsAcceptedForEveryTimeZoneAndNoOther()
    {
        var dates = ConsentShowsIntentAndAuthority.ExpiryRenderings(Expiry).Where(r => r.Length == 10 && r[4] == '-').ToHashSet();

        Assert.Equal(["2026-12-08", "2026-12-09"], dates.Order());
    }
}
