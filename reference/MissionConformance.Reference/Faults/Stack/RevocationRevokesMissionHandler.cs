using System.Text.Json.Nodes;
using MissionConformance.Reference.Endpoints.Token;
using MissionConformance.Reference.Missions;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace MissionConformance.Reference.Faults.Stack;

/// <summary>Fault TokenRevocationRevokesMission: RFC 7009 revocation of a token also revokes its Mission.</summary>
public sealed class RevocationRevokesMissionHandler(MissionStore store) : IOpenIddictServerHandler<HandleRevocationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleRevocationRequestContext>()
            .UseScopedHandler<RevocationRevokesMissionHandler>()
            .SetOrder(OpenIddictServerHandlers.Revocation.AttachPrincipal.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleRevocationRequestContext context)
    {
        var missionId = context.GenericTokenPrincipal?.GetClaim(TokenEndpoint.MissionRecordClaim)
            ?? (context.GenericTokenPrincipal?.GetClaim("mission") is { } claim ? (string?)JsonNode.Parse(claim)?["id"] : null);
        if (missionId is not null)
        {
            await store.ApplyAsync(missionId, LifecycleOperation.Revoke, "token-revocation", "RFC 7009 revocation", context.CancellationToken);
        }
    }
}
