/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.sqsx.testing;

/**
 * A part of the AWS API that not every endpoint implements. The embedded DynamoDB endpoint
 * (dynalite) lacks each of these; LocalStack and AWS have them all.
 *
 * @see AwsEndpoints#supports(EndpointFeature)
 * @see RequiresEndpointFeature
 */
public enum EndpointFeature {

  /** DynamoDB's {@code UpdateTimeToLive}, and the sweeping of expired items it turns on. */
  DYNAMODB_TIME_TO_LIVE(
      "DynamoDB time to live (UpdateTimeToLive and the sweeping of expired items)"),

  /** DynamoDB's {@code ReturnValuesOnConditionCheckFailure}: the item of a failed condition. */
  DYNAMODB_RETURN_VALUES_ON_CONDITION_CHECK_FAILURE(
      "DynamoDB ReturnValuesOnConditionCheckFailure (the item of a failed condition)"),

  /** DynamoDB's {@code TransactWriteItems} and {@code TransactGetItems}. */
  DYNAMODB_TRANSACTIONS("DynamoDB transactions (TransactWriteItems, TransactGetItems)");

  private final String description;

  EndpointFeature(String description) {
    this.description = description;
  }

  /** What the feature is, for messages. */
  public String description() {
    return description;
  }
}
