using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Faults;

namespace MissionConformance.Reference.ResourceAs;

/// <summary>A projection issuer to start: the Mission Status client it asks the MAS as, and the resource it issues credentials for.</summary>
public sealed record ProjectionIssuerSpec(string Id, string StatusClientId, string Resource)
{
    /// <summary>The board-packet policy's two other providers, each running an authorization server that projects the MAS's Missions.</summary>
    public static IReadOnlyList<ProjectionIssuerSpec> BoardPacket { get; } =
    [
        new("workflow-pi", TestPrincipals.WorkflowProjectionIssuer, ResourceCatalogue.WorkflowResource),
        new("docs-pi", TestPrincipals.DocsProjectionIssuer, ResourceCatalogue.DocsResource),
    ];
}

/// <summary>
/// The MAS topology (mas.md): a reference AS that holds the canonical Mission records and acts as Mission Authority
/// Server, and projection issuers it authorises, each a reference Resource AS in projection mode that trusts the MAS's
/// ID-JAGs and asks its Mission Status before every issuance and refresh. Each side must know the other's issuer
/// before it starts, so the MAS's port is chosen first; should another process take it before the MAS binds, the
/// whole topology starts again on new ports.
/// </summary>
public sealed class MissionAuthorityTopology : IAsyncDisposable
{
    private const int Attempts = 3;

    private MissionAuthorityTopology(ReferenceStack authority, IReadOnlyList<(ProjectionIssuerSpec Spec, ReferenceResourceAs Server)> issuers)
    {
        Authority = authority;
        Issuers = issuers;
    }

    /// <summary>The reference AS acting as MAS.</summary>
    public ReferenceStack Authority { get; }

    public IReadOnlyList<(ProjectionIssuerSpec Spec, ReferenceResourceAs Server)> Issuers { get; }

    /// <param name="options">How to start the MAS; its catalogue gains the projection issuers.</param>
    /// <param name="issuerFaults">The projection issuers' faults (FaultSite.ProjectionIssuer).</param>
    /// <param name="issuerUrls">Where each of <paramref name="specs"/> listens, in order (a loopback URL; port 0 picks a free port); all on free ports when null.</param>
    public static async Task<MissionAuthorityTopology> StartAsync(ReferenceStackOptions options, IReadOnlyList<ProjectionIssuerSpec> specs, FaultSet issuerFaults,
        IReadOnlyList<string>? issuerUrls = null, CancellationToken ct = default)
    {
        if (issuerUrls is not null && issuerUrls.Count != specs.Count)
        {
            throw new ReferenceConfigurationException($"--projection-issuers names {issuerUrls.Count} URL{(issuerUrls.Count == 1 ? "" : "s")} for {specs.Count} projection issuers ({string.Join(", ", specs.Select(s => s.Id))}): name one for each, in that order");
        }
        for (var attempt = 1; ; attempt++)
        {
            var url = ReferenceStack.ResolveLoopbackUrl(options.Url);
            var issuers = new List<(ProjectionIssuerSpec, ReferenceResourceAs)>();
            try
            {
                foreach (var (spec, index) in specs.Select((spec, index) => (spec, index)))
                {
                    issuers.Add((spec, await ReferenceResourceAs.StartAsync(new ResourceAsOptions
                    {
                        TrustedOrigin = new Uri(url.AbsoluteUri.TrimEnd('/') + "/"),
                        Resources = [spec.Resource],
                        Url = issuerUrls?[index] ?? ResourceAsOptions.AnyLoopbackPort,
                        Faults = issuerFaults,
                        Projection = ProjectionSettings.For(spec.StatusClientId, spec.Resource),
                        Clock = options.Clock,
                    }, ct)));
                }
                var catalogue = options.Catalogue.WithProjectionIssuers(issuers.Select(i => new ResourceAuthority(i.Item2.Issuer, [i.Item1.Resource])));
                var authority = await ReferenceStack.StartAsync(options with { Url = url.AbsoluteUri, Catalogue = catalogue }, ct);
                return new MissionAuthorityTopology(authority, issuers);
            }
            catch (Exception e)
            {
                foreach (var (_, server) in issuers) await server.DisposeAsync();
                var taken = e is IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException };
                if (!taken || new Uri(options.Url).Port != 0 || issuerUrls is not null || attempt >= Attempts) throw;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, server) in Issuers) await server.DisposeAsync();
        await Authority.DisposeAsync();
    }
}
