package dev.sqsx.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

class EmbeddedAwsProcessIT {

  @Test
  void endpointsInTheirOwnJvm_answer_andStopWithTheParentsClose() {
    long pid;
    try (EmbeddedAwsProcess aws = EmbeddedAwsProcess.start("-Xmx512m");
        SqsClient sqs = aws.endpoints().newSqsClient();
        S3Client s3 = aws.endpoints().newS3Client()) {
      pid = aws.pid();
      assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
      String queue = sqs.createQueue(r -> r.queueName("in-a-child")).queueUrl();
      sqs.sendMessage(r -> r.queueUrl(queue).messageBody("hello"));
      assertThat(sqs.receiveMessage(r -> r.queueUrl(queue).waitTimeSeconds(2)).messages())
          .singleElement()
          .satisfies(m -> assertThat(m.body()).isEqualTo("hello"));
      s3.createBucket(r -> r.bucket("child"));
      s3.putObject(r -> r.bucket("child").key("k"), RequestBody.fromString("v"));
      assertThat(s3.getObjectAsBytes(r -> r.bucket("child").key("k")).asUtf8String())
          .isEqualTo("v");
    }
    Optional<ProcessHandle> child = ProcessHandle.of(pid);
    assertThat(child.map(ProcessHandle::isAlive).orElse(false))
        .as("child alive %s after close", Duration.ofSeconds(10))
        .isFalse();
  }
}
