package io.tokenmeter.ingress;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class WebhookIngressApplication {

    public static void main(String[] args) {
        SpringApplication.run(WebhookIngressApplication.class, args);
    }
}
