// The Touchmark Android library: generated Kotlin (uniffi Android mode) plus the
// native libraries built by ../build-aar.sh into src/main/jniLibs.
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "org.touchmark"
    compileSdk = 35

    defaultConfig {
        minSdk = 24
        // R8 keep rules shipped inside the AAR and applied to the app that uses it.
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets {
        getByName("main") {
            // The committed, drift-checked Android flavour of the generated Kotlin.
            kotlin.srcDir("../generated")
            jniLibs.srcDir("src/main/jniLibs")
        }
    }

    packaging {
        // Keep .so files uncompressed and page-aligned in the APK (16 KB pages).
        jniLibs.useLegacyPackaging = false
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    // JNA as an Android archive: it carries libjnidispatch.so for every ABI.
    api("net.java.dev.jna:jna:5.17.0@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-core:1.9.0")
    implementation("androidx.annotation:annotation:1.9.1")
}
