using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MissionConformance.Reference.Configuration;
using MissionConformance.Reference.Endpoints.Token;
using MissionConformance.Reference.Endpoints;
using MissionConformance.Reference.Faults;
using MissionConformance.Reference.Missions;
using MissionConformance.Reference.Security;
using MissionConformance.Reference.Storage;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MissionConformance.Reference;

/// <summary>How to start one reference Authorization Server.</summary>
public sealed record ReferenceStackOptions
{
    /// <summary>A loopback URL; port 0 picks a free port.</summary>
    public string Url { get; init; } = "http://127.0.0.1:0";

    /// <summary>The SQLite file; a fresh temporary file when null.</summary>
    public string? DatabasePath { get; init; }

    public FaultSet Faults { get; init; } = FaultSet.None;

    /// <summary>Choices the spec allows, made the other way (<see cref="VariantCatalogue"/>); none by default.</summary>
    public VariantSet Variants { get; init; } = VariantSet.None;

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public ResourceCatalogue Catalogue { get; init; } = ResourceCatalogue.BoardPacket;

    public string Tenant { get; init; } = ReferenceSettings.DefaultTenant;

    /// <summary>Where this AS pushes lifecycle SETs (mas.md, MBO-MAS-006); none: it does not advertise event_driven.</summary>
    public IReadOnlyList<EventSubscription> EventSubscriptions { get; init; } = [];

    /// <summary>The pairwise sector (oauth-profile.md §15): <see cref="ReferenceSettings.ResourceAsSector"/> by default, or <see cref="ReferenceSettings.ResourceServerSector"/>.</summary>
    public string PairwiseSector { get; init; } = ReferenceSettings.ResourceAsSector;

    /// <summary>Where ASP.NET Core logs go; silent by default. Tokens and secrets are never logged.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }

    /// <summary>
    /// Mission Status requests one consumer may make per <see cref="StatusRateLimiter.Window"/> (MBO-MS-016 judges the 429 past it):
    /// <see cref="StatusRateLimiter.Limit"/>. A deployment's choice; `bench` raises it to measure latency, not the limiter.
    /// </summary>
    public int StatusRequestsPerWindow { get; init; } = StatusRateLimiter.Limit;
}

/// <summary>A running reference Authorization Server on 127.0.0.1, reachable only over HTTP.</summary>
public sealed class ReferenceStack : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly bool _ownsDatabase;

    private readonly X509Certificate2 _tlsCertificate;

    private ReferenceStack(WebApplication app, ReferenceSettings settings, string databasePath, bool ownsDatabase, FaultSet faults, VariantSet variants, X509Certificate2 tlsCertificate)
    {
        _app = app;
        _tlsCertificate = tlsCertificate;
        TlsCertificate = X509CertificateLoader.LoadCertificate(tlsCertificate.RawData);
        _ownsDatabase = ownsDatabase;
        Settings = settings;
        DatabasePath = databasePath;
        Faults = faults;
        Variants = variants;
    }

    public ReferenceSettings Settings { get; }

    public Uri Issuer => Settings.Issuer;

    public string DatabasePath { get; }

    public FaultSet Faults { get; }

    public VariantSet Variants { get; }

    /// <summary>The TLS listener's certificate, without its key: what a client of the mtls alias must trust.</summary>
    public X509Certificate2 TlsCertificate { get; }

    /// <summary>The server's services, for white-box tests of properties HTTP cannot force (e.g. a race).</summary>
    public IServiceProvider Services => _app.Services;

    public static async Task<ReferenceStack> StartAsync(ReferenceStackOptions options, CancellationToken ct = default)
    {
        ResolveLoopbackUrl(options.Url);
        var databasePath = options.DatabasePath ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"mission-reference-{Guid.NewGuid():N}.db");
        var connectionString = ConnectionString(databasePath);

        var keys = await PrepareDatabaseAsync(connectionString, ct);
        try
        {
            return await StartOnLoopbackAsync(options.Url, url => StartHostAsync(options, url,
                new ReferenceSettings(new Uri(url.AbsoluteUri.TrimEnd('/') + "/"), options.Tenant, options.Catalogue)
                {
                    PairwiseSector = options.Variants.Has(Variant.ResourceServerSector) ? ReferenceSettings.ResourceServerSector
                        : options.PairwiseSector is ReferenceSettings.ResourceAsSector or ReferenceSettings.ResourceServerSector ? options.PairwiseSector
                        : throw new ReferenceConfigurationException($"pairwise sector \"{options.PairwiseSector}\": the reference runs in {ReferenceSettings.ResourceAsSector} or {ReferenceSettings.ResourceServerSector}"),
                    MutualTlsBase = new UriBuilder(Uri.UriSchemeHttps, url.Host, ResolveLoopbackUrl($"http://{url.Host}:0/").Port).Uri,
                    StatusAuthMethods = options.Variants.Has(Variant.StatusOnlyMtls) ? ["mtls"]
                        : options.Variants.Has(Variant.StatusOnlyDpopBearer) ? ["dpop_bearer"]
                        : ["private_key_jwt", "dpop_bearer", "mtls"],
                },
                databasePath, connectionString, keys, ct));
        }
        catch when (options.DatabasePath is null)
        {
            DeleteDatabase(databasePath);
            throw;
        }
    }

    private static async Task<ReferenceStack> StartHostAsync(ReferenceStackOptions options, Uri url, ReferenceSettings settings,
        string databasePath, string connectionString, KeyRing keys, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Plain HTTP at the issuer; TLS, asking for a client certificate it leaves to Mission Status to judge
        // (self-signed, RFC 8705 §2.2), at the mtls alias of Mission Status.
        var tlsCertificate = MutualTls.LoopbackServerCertificate();
        var tlsPort = settings.MutualTlsBase!.Port;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Parse(url.Host), url.Port);
            kestrel.Listen(IPAddress.Parse(url.Host), tlsPort, listen => listen.UseHttps(tlsCertificate, https =>
            {
                https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
                https.AllowAnyClientCertificate();
            }));
        });
        builder.Logging.ClearProviders();
        options.ConfigureLogging?.Invoke(builder.Logging);

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(options.Faults);
        services.AddSingleton(options.Clock);
        services.AddSingleton(options.Catalogue);
        services.AddSingleton(keys);
        services.AddSingleton<JwsSigner>();
        services.AddSingleton<ResourceServers.DpopVerifier>();  // delegated tokens are bound to the delegate's key at the token endpoint
        services.AddDbContextFactory<ReferenceDbContext>(o => o.UseSqlite(connectionString).UseOpenIddict().AddInterceptors(SqliteSynchronousNormal.Instance));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<ReferenceDbContext>>().CreateDbContext());
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<LifecycleEventTransmitter>(sp, options.EventSubscriptions));
        services.AddSingleton<MissionStore>();
        services.AddSingleton<MissionIntentValidator>();
        services.AddSingleton<MissionStatusResponseGenerator>();
        services.AddSingleton<OneTimeUse>();
        services.AddSingleton(new LifecycleOperators(AdminOnly: options.Variants.Has(Variant.AdminOnlyLifecycle)));
        services.AddSingleton(Rotation(options));
        services.AddSingleton(new SenderConstraint(Dpop: options.Variants.Has(Variant.DpopBoundTokens)));
        services.AddSingleton<DpopNonces>();
        services.AddSingleton<ClientAssertionAuthenticator>();
        var stackFaults = FaultInstaller.StackFaults(options.Faults);
        services.AddHooks(options.Faults);
        foreach (var fault in stackFaults) fault.AddServices(services);
        services.AddScoped<GatingPolicy>();
        services.AddScoped<AuthorityDeriver>();
        services.AddScoped<MissionClaimBuilder>();
        services.AddScoped<TokenPrincipalBuilder>();
        services.AddScoped<TokenRequestProof>();
        services.AddScoped<CodeAndRefreshGrant>();
        services.AddScoped<ExchangeGrant>();
        services.AddScoped<DelegationGrant>();
        services.AddScoped<IdJagGrant>();
        services.AddScoped<TokenEndpoint>();
        services.AddScoped<AuthorizationEndpoint>();
        services.AddScoped<LoginEndpoint>();
        services.AddScoped<SecondFactorEndpoint>();
        services.AddScoped<ActingForEndpoint>();
        services.AddScoped<LifecycleEndpoint>();
        services.AddScoped<InventoryEndpoint>();
        services.AddScoped<MissionStatusEndpoint>();
        services.AddScoped<StatusTokenEndpoint>();
        services.AddScoped<IntrospectionEndpoint>();
        services.AddSingleton(new StatusRateLimiter(options.Clock, options.StatusRequestsPerWindow));
        services.AddSingleton<MissionAuthorityDocument>();
        services.AddAntiforgery(o => o.Cookie.Name = "mission-reference-antiforgery");
        services.AddAuthentication(LoginEndpoint.Scheme).AddCookie(LoginEndpoint.Scheme, o =>
        {
            o.LoginPath = LoginEndpoint.Path;
            o.Cookie.Name = "mission-reference-login";
            o.Cookie.SameSite = SameSiteMode.Lax;
        });
        services.AddAuthorization();
        ConfigureOpenIddict(services, settings, keys, options);

        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            // The TLS listener serves the Mission Status alias only.
            if (context.Connection.LocalPort == tlsPort && context.Request.Path != "/" + MissionStatusEndpoint.Path)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next();
        });
        if (options.Variants.Has(Variant.ErrorBodiesWithExtraMembers)) app.Use((context, next) => VariantSeams.ErrorBodiesWithExtraMembers(context, () => next()));
        app.Use((context, next) => UnreadableFormGuard.InvokeAsync(context, () => next()));
        foreach (var fault in stackFaults) fault.Use(app);
        app.Use(async (context, next) =>
        {
            // The login and consent pages refuse to be framed (clickjacking; RFC 9700 §4.16, MC-AS-APR-103).
            context.Response.Headers.XFrameOptions = "DENY";
            context.Response.Headers.ContentSecurityPolicy = "frame-ancestors 'none'";
            await next();
        });
        app.Use(async (context, next) =>
        {
            // dpop_bearer at Mission Status: the client_credentials grant for a Mission-Status-scoped token is the reference's
            // own convention (StatusTokenEndpoint), answered before OpenIddict, which allows no such grant, sees the request.
            if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path == "/" + TokenEndpoint.Path && context.Request.HasFormContentType)
            {
                // UnreadableFormGuard has read the form already; this is its cached copy.
                var form = await context.Request.ReadFormAsync(context.RequestAborted);
                if (form["grant_type"] == StatusTokenEndpoint.Grant)
                {
                    await (await context.RequestServices.GetRequiredService<StatusTokenEndpoint>().IssueAsync(context, form)).ExecuteAsync(context);
                    return;
                }
            }
            await next();
        });
        app.UseAuthentication();
        app.UseAuthorization();
        MapEndpoints(app);

        await StartOrDisposeAsync(app, app, ct);
        await SeedClientsAsync(app.Services, ct);
        return new ReferenceStack(app, settings, databasePath, options.DatabasePath is null, options.Faults, options.Variants, tlsCertificate);
    }

    private static async Task<KeyRing> PrepareDatabaseAsync(string connectionString, CancellationToken ct)
    {
        var dbOptions = new DbContextOptionsBuilder<ReferenceDbContext>().UseSqlite(connectionString).UseOpenIddict().Options;
        await using var db = new ReferenceDbContext(dbOptions);
        await db.Database.EnsureCreatedAsync(ct);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        return KeyRing.LoadOrCreate(db);
    }

    private static void ConfigureOpenIddict(IServiceCollection services, ReferenceSettings settings, KeyRing keys, ReferenceStackOptions options)
    {
        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<ReferenceDbContext>())
            .AddServer(o =>
            {
                o.SetIssuer(settings.Issuer);
                o.SetConfigurationEndpointUris(".well-known/oauth-authorization-server", ".well-known/openid-configuration")
                 .SetJsonWebKeySetEndpointUris("jwks")
                 .SetAuthorizationEndpointUris("authorize")
                 .SetPushedAuthorizationEndpointUris("par")
                 .SetTokenEndpointUris(TokenEndpoint.Path)
                 .SetRevocationEndpointUris("revoke");
                o.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().AllowTokenExchangeFlow().RequireProofKeyForCodeExchange();
                o.AddSigningKey(keys.SigningKey);
                o.AddEncryptionKey(keys.EncryptionKey);
                o.DisableAccessTokenEncryption();
                // Variant OpaqueAccessTokens: OpenIddict stores the token and hands out a reference to it (oauth-profile §1: opaque + introspection).
                if (options.Variants.Has(Variant.OpaqueAccessTokens)) o.UseReferenceAccessTokens();
                o.SetAccessTokenLifetime(ReferenceSettings.AccessTokenLifetime);
                // MBO-AS-RT-002: a rotated refresh token is dead at once (OpenIddict allows 30 s of reuse by default).
                o.SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                o.Configure(opt => opt.RequestTokenLifetime = MissionStateMachine.ApprovalWindow);
                // RFC 8707 resource values are judged by the Mission's Authority Set, not a static list
                // (PAR: ParMissionIntentHandler; token endpoint: AuthorityDeriver).
                o.DisableResourceValidation().IgnoreResourcePermissions();
                o.Configure(opt =>
                {
                    opt.TimeProvider = options.Clock;
                    opt.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain);
                });
                if (!Rotation(options).Everywhere) o.DisableRollingRefreshTokens();

                o.AddEventHandler(ParMissionIntentHandler.Descriptor);
                o.AddEventHandler(ParResponseHandler.Descriptor);
                o.AddEventHandler(FrontChannelHandler.Descriptor);
                o.AddEventHandler(MetadataHandler.Descriptor);
                o.AddEventHandler(TokenResponseHandler.Descriptor);
                o.AddEventHandler(RefreshTokenIssuanceHandler.Descriptor);
                o.AddEventHandler(ActorTokenHandler.Descriptor);
                o.AddEventHandler(IdJagRequestHandler.Descriptor);
                o.RemoveEventHandler(OpenIddict.Server.OpenIddictServerHandlers.Exchange.ValidateAuthorizedParty.Descriptor);
                o.AddEventHandler(AuthorizedPartyHandler.Descriptor);
                o.AddEventHandler(DelegatedTokenHandler.Descriptor);
                o.RemoveEventHandler(OpenIddict.Server.OpenIddictServerHandlers.Protection.ValidateProofOfPossession.Descriptor);
                o.AddEventHandler(ProofOfPossessionHandler.Descriptor);
                foreach (var fault in FaultInstaller.StackFaults(options.Faults)) fault.Configure(o);

                o.UseAspNetCore()
                 .EnableAuthorizationEndpointPassthrough()
                 .EnableTokenEndpointPassthrough()
                 .DisableTransportSecurityRequirement();  // loopback http only
            });
    }

    /// <summary>Which clients' refresh tokens are rotated (MBO-AS-RT-002/003): every client's, unless a variant or fault says otherwise.</summary>
    private static RefreshRotation Rotation(ReferenceStackOptions options)
        => FaultInstaller.StackFaults(options.Faults).Aggregate(
            new RefreshRotation(Confidential: !options.Variants.Has(Variant.ConfidentialRefreshNotRotated), Public: true), (rotation, fault) => fault.Rotation(rotation));

    private static void MapEndpoints(WebApplication app)
    {
        app.MapGet("/authorize", (HttpContext http, AuthorizationEndpoint endpoint) => endpoint.HandleAsync(http));
        app.MapPost("/authorize", (HttpContext http, AuthorizationEndpoint endpoint) => endpoint.HandleAsync(http));
        app.MapPost("/" + TokenEndpoint.Path, (HttpContext http, TokenEndpoint endpoint) => endpoint.HandleAsync(http));
        app.MapGet(LoginEndpoint.Path, (HttpContext http, LoginEndpoint endpoint) => endpoint.Show(http));
        app.MapPost(LoginEndpoint.Path, (HttpContext http, LoginEndpoint endpoint) => endpoint.SubmitAsync(http));
        app.MapGet(SecondFactorEndpoint.Path, (HttpContext http, SecondFactorEndpoint endpoint) => endpoint.Show(http));
        app.MapPost(SecondFactorEndpoint.Path, (HttpContext http, SecondFactorEndpoint endpoint) => endpoint.SubmitAsync(http));
        app.MapGet(ActingForEndpoint.Path, (HttpContext http, ActingForEndpoint endpoint) => endpoint.Show(http));
        app.MapPost(ActingForEndpoint.Path, (HttpContext http, ActingForEndpoint endpoint) => endpoint.SubmitAsync(http));
        app.MapPost("/" + LifecycleEndpoint.Path, (HttpContext http, LifecycleEndpoint endpoint) => endpoint.HandleAsync(http));
        app.MapPost("/" + InventoryEndpoint.Path, (HttpContext http, InventoryEndpoint endpoint) => endpoint.HandleAsync(http));
        app.MapPost("/" + MissionStatusEndpoint.Path, (HttpContext http, MissionStatusEndpoint endpoint) => endpoint.HandleAsync(http));
        app.MapPost("/" + IntrospectionEndpoint.Path, (HttpContext http, IntrospectionEndpoint endpoint) => endpoint.HandleAsync(http));
        app.MapGet("/" + MissionAuthorityDocument.Path, (MissionAuthorityDocument document) => document.Handle());
        app.MapGet("/" + MissionAuthorityDocument.IntentSchemaPath, MissionAuthorityDocument.IntentSchema);
    }

    private static async Task SeedClientsAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        foreach (var client in TestPrincipals.Clients.Where(c => !c.IsStatusClient))
        {
            if (await manager.FindByClientIdAsync(client.ClientId, ct) is not null) continue;
            var descriptor = new OpenIddictApplicationDescriptor
            {
                ClientId = client.ClientId,
                ClientSecret = client.ClientSecret,
                ClientType = client.IsPublic ? ClientTypes.Public : ClientTypes.Confidential,
                DisplayName = client.DisplayName,
                ConsentType = ConsentTypes.Explicit,
                // PAR is enforced for every client by FrontChannelHandler, with the Mission-specific error.
                Requirements = { Requirements.Features.ProofKeyForCodeExchange },
                Permissions =
                {
                    Permissions.Endpoints.Authorization, Permissions.Endpoints.PushedAuthorization,
                    Permissions.Endpoints.Token, Permissions.Endpoints.Revocation,
                    Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.GrantTypes.TokenExchange,
                    Permissions.ResponseTypes.Code,
                },
            };
            foreach (var redirect in client.RedirectUris) descriptor.RedirectUris.Add(new Uri(redirect));
            await manager.CreateAsync(descriptor, ct);
        }
    }

    /// <summary>
    /// Starts a server at <paramref name="url"/> (loopback only). Port 0 becomes a free port chosen before the bind, which
    /// another process may take in between (tests start many servers side by side): then a new port is chosen and the
    /// start tried again, up to <see cref="BindAttempts"/> times. A fixed port that is taken fails at once.
    /// </summary>
    internal static async Task<T> StartOnLoopbackAsync<T>(string url, Func<Uri, Task<T>> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start(ResolveLoopbackUrl(url));
            }
            catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException && new Uri(url).Port == 0 && attempt < BindAttempts)
            {
                // Taken between the choice and the bind: choose again.
            }
        }
    }

    private const int BindAttempts = 3;

    /// <summary>Starts <paramref name="app"/>; when it cannot (its port taken), disposes <paramref name="owner"/>, which owns the app and all built with it, and rethrows.</summary>
    internal static async Task<T> StartOrDisposeAsync<T>(WebApplication app, T owner, CancellationToken ct) where T : IAsyncDisposable
    {
        try
        {
            await app.StartAsync(ct);
            return owner;
        }
        catch
        {
            await owner.DisposeAsync();
            throw;
        }
    }

    /// <summary>Only loopback addresses are allowed; port 0 becomes a free port chosen now.</summary>
    internal static Uri ResolveLoopbackUrl(string url)
    {
        var uri = new Uri(url);
        if (uri.Scheme != Uri.UriSchemeHttp || !IPAddress.TryParse(uri.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            throw new ReferenceConfigurationException($"--urls: the reference stack binds to http://127.0.0.1 only, not \"{url}\"");
        }
        if (uri.Port != 0) return uri;
        using var probe = new TcpListener(address, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new UriBuilder(uri) { Port = port }.Uri;
    }

    private int _disposed;

    /// <summary>Stops the server (once: a test may stop a MAS before its topology is disposed); a temporary database it created is deleted, a named one is kept.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _tlsCertificate.Dispose();
        // Pooled connections hold the file open; close this database's before deleting it.
        using (var pooled = new SqliteConnection(ConnectionString(DatabasePath))) SqliteConnection.ClearPool(pooled);
        if (_ownsDatabase) DeleteDatabase(DatabasePath);
    }

    /// <summary>
    /// Pooled: a connection opened per request costs a file open and a schema read each time, which was a third of a
    /// self-test's run. The pool is cleared when the stack stops, so the file can be deleted or reopened.
    /// </summary>
    private static string ConnectionString(string databasePath) => $"Data Source={databasePath};Default Timeout=30";

    private static void DeleteDatabase(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
