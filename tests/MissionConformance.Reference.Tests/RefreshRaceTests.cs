using System.Net;
using MissionConformance.Reference.Tests.Infrastructure;

namespace MissionConformance.Reference.Tests;

/// <summary>
/// A rotated refresh token is redeemed once, however many requests race for it (MBO-AS-RT-002, RFC 9700 §4.14.2): each extra
/// success would be a second live token chain for one grant. Redemption and rotation must be one atomic conditional update.
/// </summary>
public sealed class RefreshRaceTests(SharedReference shared) : IClassFixture<SharedReference>
{
    private const int Racers = 64;

    [Fact]
    public async Task RefreshToken_RacedBy64Requests_IsRedeemedExactlyOnce()
    {
        var issued = await shared.Reference.ObtainAsync();
        using var start = new SemaphoreSlim(0, Racers);

        var racing = Enumerable.Range(0, Racers).Select(async _ =>
        {
            await start.WaitAsync(RunningReference.Ct);
            return await shared.Reference.RefreshAsync(issued.RefreshToken!);
        }).ToList();
        start.Release(Racers);
        var answers = await Task.WhenAll(racing);

        var served = answers.Count(a => a.Status == HttpStatusCode.OK);
        Assert.True(served == 1, $"{served} of {Racers} concurrent refreshes of one refresh token were served: "
            + string.Join(", ", answers.GroupBy(a => $"{(int)a.Status} {a.Member("error")}").Select(g => $"{g.Count()}× {g.Key}")));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => Assert.Equal("invalid_grant", a.Member("error")));
    }
}
