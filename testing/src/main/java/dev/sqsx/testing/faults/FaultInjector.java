/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing.faults;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Puts failures between SDK clients and their endpoints, at the HTTP layer: server errors,
 * throttling, connection resets before the request is sent, responses lost after it was applied,
 * and latency — chosen by a seeded random source at configurable rates. The SDK sees what it would
 * see from a bad network or a struggling AWS endpoint, so its retries run, and whatever they do not
 * absorb reaches the code under test.
 *
 * <pre>{@code
 * FaultInjector faults = FaultInjector.builder().seed(42).failureRate(0.10).build();
 * SqsClient sqs = endpoints.withFaults(faults).newSqsClient();   // or:
 * SqsClient sqs = SqsClient.builder().httpClientBuilder(faults.wrap(Apache5HttpClient.builder()))...
 * }</pre>
 *
 * <p>{@link #partition()} makes every later request fail before it is sent, as if the process using
 * these clients had died: the way to crash a consumer in a test (no flush, no release reaches AWS)
 * and then start a new one with clients of another injector.
 *
 * <p>Thread-safe. The seed fixes the sequence of random decisions; with several threads the
 * assignment of decisions to requests still depends on scheduling. Counts are in {@link #stats()}.
 */
public final class FaultInjector {

  private final Random random;
  private final double failureRate;
  private final List<Fault> faults;
  private final double latencyRate;
  private final Duration maxLatency;
  private final Set<String> targets;
  private volatile boolean active = true;
  private volatile boolean partitioned;

  private final LongAdder requests = new LongAdder();
  private final LongAdder delayed = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final Map<Fault, LongAdder> injected = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> byService = new ConcurrentHashMap<>();

  private FaultInjector(Builder builder) {
    this.random = new Random(builder.seed);
    this.failureRate = builder.failureRate;
    this.faults = List.copyOf(builder.faults);
    this.latencyRate = builder.latencyRate;
    this.maxLatency = builder.maxLatency;
    this.targets = Set.copyOf(builder.targets);
  }

  /** A builder: seed 0, failure rate 0, all fault kinds, no latency, every service. */
  public static Builder builder() {
    return new Builder();
  }

  /** Wraps a synchronous HTTP client; closing the wrapper closes {@code client}. */
  public SdkHttpClient wrap(SdkHttpClient client) {
    return new FaultySyncHttpClient(Objects.requireNonNull(client, "client cannot be null"), this);
  }

  /** Wraps an asynchronous HTTP client; closing the wrapper closes {@code client}. */
  public SdkAsyncHttpClient wrap(SdkAsyncHttpClient client) {
    return new FaultyAsyncHttpClient(Objects.requireNonNull(client, "client cannot be null"), this);
  }

  /**
   * Wraps an HTTP client builder, for an SDK client builder's {@code httpClientBuilder(...)}: the
   * SDK then owns (and closes) the HTTP client it builds.
   */
  public SdkHttpClient.Builder<?> wrap(SdkHttpClient.Builder<?> builder) {
    Objects.requireNonNull(builder, "builder cannot be null");
    return new SyncBuilder(builder, this);
  }

  /** Wraps an asynchronous HTTP client builder, as {@link #wrap(SdkHttpClient.Builder)}. */
  public SdkAsyncHttpClient.Builder<?> wrap(SdkAsyncHttpClient.Builder<?> builder) {
    Objects.requireNonNull(builder, "builder cannot be null");
    return new AsyncBuilder(builder, this);
  }

  /** Stops injecting faults and latency until {@link #resume()} (a partition still applies). */
  public void pause() {
    active = false;
  }

  /** Injects faults and latency again after {@link #pause()}. */
  public void resume() {
    active = true;
  }

  /**
   * From now on every request fails before it is sent ({@code java.net.ConnectException}), as if
   * the process had died or lost its network. Idempotent.
   */
  public void partition() {
    partitioned = true;
  }

  /** Ends a {@link #partition()}. */
  public void heal() {
    partitioned = false;
  }

  /** Whether {@link #partition()} is in force. */
  public boolean isPartitioned() {
    return partitioned;
  }

  /** Counts so far. */
  public FaultStats stats() {
    Map<Fault, Long> kinds = new EnumMap<>(Fault.class);
    injected.forEach((fault, count) -> kinds.put(fault, count.sum()));
    Map<String, Long> services = new LinkedHashMap<>();
    byService.forEach((service, count) -> services.put(service, count.sum()));
    return new FaultStats(requests.sum(), kinds, services, delayed.sum(), refused.sum());
  }

  /** What to do with one request: decided once, before it is sent. */
  Decision decide(SdkHttpRequest request) {
    requests.increment();
    Target target = Target.of(request);
    if (partitioned) {
      refused.increment();
      return new Decision(target, null, 0, true);
    }
    if (!active || !selected(target)) {
      return new Decision(target, null, 0, false);
    }
    Fault fault = null;
    long delay = 0;
    synchronized (random) {
      if (failureRate > 0 && random.nextDouble() < failureRate) {
        fault = faults.get(random.nextInt(faults.size()));
      }
      if (latencyRate > 0 && random.nextDouble() < latencyRate) {
        delay = 1 + (long) (random.nextDouble() * maxLatency.toMillis());
      }
    }
    if (fault != null) {
      injected.computeIfAbsent(fault, k -> new LongAdder()).increment();
      byService.computeIfAbsent(target.service(), k -> new LongAdder()).increment();
    }
    if (delay > 0) {
      delayed.increment();
    }
    return new Decision(target, fault, delay, false);
  }

  private boolean selected(Target target) {
    if (targets.isEmpty()) {
      return true;
    }
    for (String selector : targets) {
      if (target.matches(selector)) {
        return true;
      }
    }
    return false;
  }

  /**
   * One request's fate.
   *
   * @param fault the failure to inject, or null
   * @param delayMillis latency to add before sending, 0 for none
   * @param refused partitioned: fail before sending
   */
  record Decision(Target target, Fault fault, long delayMillis, boolean refused) {}

  private record SyncBuilder(SdkHttpClient.Builder<?> delegate, FaultInjector injector)
      implements SdkHttpClient.Builder<SyncBuilder> {
    @Override
    public SdkHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
      return injector.wrap(delegate.buildWithDefaults(serviceDefaults));
    }
  }

  private record AsyncBuilder(SdkAsyncHttpClient.Builder<?> delegate, FaultInjector injector)
      implements SdkAsyncHttpClient.Builder<AsyncBuilder> {
    @Override
    public SdkAsyncHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
      return injector.wrap(delegate.buildWithDefaults(serviceDefaults));
    }
  }

  /** Builds a {@link FaultInjector}; not thread-safe. */
  public static final class Builder {
    private long seed;
    private double failureRate;
    private List<Fault> faults = List.of(Fault.values());
    private double latencyRate;
    private Duration maxLatency = Duration.ZERO;
    private Set<String> targets = Set.of();

    private Builder() {}

    /** Seed of the random source. Default 0. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Fraction of requests that fail, 0.0..1.0. Default 0. */
    public Builder failureRate(double failureRate) {
      this.failureRate = failureRate;
      return this;
    }

    /** Which failures to inject, each equally likely. Default: all of {@link Fault}. */
    public Builder faults(Fault... faults) {
      this.faults = List.of(faults);
      return this;
    }

    /**
     * Fraction of requests (0.0..1.0) delayed by a uniformly random 1 ms..{@code max} before they
     * are sent. Default none.
     */
    public Builder latency(double rate, Duration max) {
      this.latencyRate = rate;
      this.maxLatency = max;
      return this;
    }

    /**
     * Limits faults and latency to these services or operations: {@code sqs}, {@code s3}, {@code
     * dynamodb}, or {@code service:Operation} ({@code sqs:DeleteMessageBatch}, {@code
     * dynamodb:UpdateItem}, {@code s3:PUT} — S3 operations are named by HTTP method). Default:
     * everything.
     */
    public Builder only(String... selectors) {
      this.targets = Set.of(selectors);
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the option and the rule when one is invalid
     */
    public FaultInjector build() {
      if (!(failureRate >= 0 && failureRate <= 1)) {
        throw new IllegalArgumentException("failureRate must be 0.0..1.0, was " + failureRate);
      }
      if (failureRate > 0 && faults.isEmpty()) {
        throw new IllegalArgumentException(
            "faults must name at least one Fault when failureRate is above 0");
      }
      if (!(latencyRate >= 0 && latencyRate <= 1)) {
        throw new IllegalArgumentException("latency rate must be 0.0..1.0, was " + latencyRate);
      }
      if (maxLatency == null
          || maxLatency.isNegative()
          || maxLatency.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            "latency max must be PT0S..PT1M (longer looks like a hang, not latency), was "
                + maxLatency);
      }
      if (latencyRate > 0 && maxLatency.isZero()) {
        throw new IllegalArgumentException(
            "latency max must be above zero when its rate is above 0");
      }
      for (String selector : targets) {
        String service =
            selector.contains(":") ? selector.substring(0, selector.indexOf(':')) : selector;
        if (!Set.of("sqs", "s3", "dynamodb").contains(service.toLowerCase(java.util.Locale.ROOT))) {
          throw new IllegalArgumentException(
              "only(...) selectors must start with sqs, s3 or dynamodb, was '" + selector + "'");
        }
      }
      return new FaultInjector(this);
    }
  }
}
