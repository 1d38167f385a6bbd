package io.tokenmeter.metering;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class UsageMeteringApplication {

    public static void main(String[] args) {
        SpringApplication.run(UsageMeteringApplication.class, args);
    }
}
